import { randomUUID } from 'node:crypto';

/**
 * The client's X-Request-Id when it is a sane token, else a new one: the same id names the request in
 * the logs, in the read and write audit, and in the X-Request-Id response header.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[A-Za-z0-9._:-]{8,100}$/.test(given) ? given : randomUUID();
}
