import { lookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** A webhook URL whose host is, or resolves to, an address outside the public internet. */
export class NonPublicAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} is not a public address (${address}: ${range})`);
  }
}

/** The range of an address as ipaddr.js names it ("unicast" for the public internet); IPv4 inside IPv6 as IPv4. */
function rangeOf(address: string): string {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().range();
  return parsed.range();
}

/**
 * Refuses a literal address outside the public internet (loopback, private, link-local such as the
 * cloud metadata service at 169.254.169.254, unique-local, carrier-grade NAT, reserved, multicast).
 * Hostnames are checked as they are resolved, by `publicOnlyLookup`.
 */
export function assertPublicHost(host: string): void {
  const address = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0) return;
  const range = rangeOf(address);
  if (range !== 'unicast') throw new NonPublicAddressError(host, address, range);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * `lookup` for the sockets that post webhooks: resolves as usual, and fails when any address is not
 * public. The socket connects to the address checked here, so a DNS answer that changes between a
 * check and the connection (rebinding) cannot reach the internal network.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.map((a) => ({ address: a.address, range: rangeOf(a.address) })).find((a) => a.range !== 'unicast');
    if (refused) return callback(new NonPublicAddressError(hostname, refused.address, refused.range) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    callback(null, first!.address, first!.family);
  });
}

/**
 * Where the service may connect on a partner's behalf (webhook URLs), as configured: public addresses only,
 * unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (development) allows any.
 */
@Injectable()
export class PublicAddresses {
  private readonly anyAllowed: boolean;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'webhooks'>) {
    this.anyAllowed = config.webhooks.allowPrivateAddresses;
  }

  /** Throws `NonPublicAddressError` for a literal address that may not be connected to. */
  assertAllowed(host: string): void {
    if (!this.anyAllowed) assertPublicHost(host);
  }

  /** Socket options that refuse, as hostnames resolve, the addresses that may not be connected to. */
  get connectOptions(): { lookup?: typeof publicOnlyLookup } {
    return this.anyAllowed ? {} : { lookup: publicOnlyLookup };
  }
}
