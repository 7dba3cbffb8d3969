import { v7 } from 'uuid';

/** Time-ordered UUIDs: primary keys double as stable, index-friendly pagination keys. */
export const newId = (): string => v7();

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
