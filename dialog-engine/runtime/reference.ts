/**
 * Reference-data sync: the WMS's locations, items and reason codes into the site's tables
 * (`locations`, `items`, `reason_codes` of migration 001), in one transaction. Rows the WMS no
 * longer has are removed. Called by the gateway at start-up and on a schedule.
 */
import type { Pool } from '../../db/index.ts';
import type { ReferenceData, WmsConnector } from '../wms/types.ts';

export interface SyncResult { locations: number; items: number; reasonCodes: number; warning?: string }

export async function syncReferenceData(pool: Pool, connector: WmsConnector, siteId: string): Promise<SyncResult> {
  const { value, warning } = await connector.getReferenceData(siteId);
  await storeReferenceData(pool, siteId, value);
  return { locations: value.locations.length, items: value.items.length, reasonCodes: value.reasonCodes.length, ...(warning ? { warning } : {}) };
}

export async function storeReferenceData(pool: Pool, siteId: string, ref: ReferenceData): Promise<void> {
  const validDigits = ref.locations.filter((l) => /^[0-9]{2,5}$/.test(l.checkDigits));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO locations (site_id, id, aisle, slot, check_digits)
       SELECT $1, x.id, x.aisle, x.slot, x.cd FROM jsonb_to_recordset($2::jsonb) AS x(id text, aisle text, slot text, cd text)
       ON CONFLICT (site_id, id) DO UPDATE SET aisle = EXCLUDED.aisle, slot = EXCLUDED.slot, check_digits = EXCLUDED.check_digits`,
      [siteId, JSON.stringify(validDigits.map((l) => ({ id: l.id, aisle: l.aisle, slot: l.slot, cd: l.checkDigits })))]);
    await client.query('DELETE FROM locations WHERE site_id = $1 AND NOT (id = ANY($2::text[]))', [siteId, validDigits.map((l) => l.id)]);
    await client.query(
      `INSERT INTO items (site_id, id, description, unit)
       SELECT $1, x.id, x.description, x.unit FROM jsonb_to_recordset($2::jsonb) AS x(id text, description text, unit text)
       ON CONFLICT (site_id, id) DO UPDATE SET description = EXCLUDED.description, unit = EXCLUDED.unit`,
      [siteId, JSON.stringify(ref.items)]);
    await client.query('DELETE FROM items WHERE site_id = $1 AND NOT (id = ANY($2::text[]))', [siteId, ref.items.map((i) => i.id)]);
    await client.query(
      `INSERT INTO reason_codes (site_id, code, description)
       SELECT $1, x.code, x.description FROM jsonb_to_recordset($2::jsonb) AS x(code text, description text)
       ON CONFLICT (site_id, code) DO UPDATE SET description = EXCLUDED.description`,
      [siteId, JSON.stringify(ref.reasonCodes)]);
    await client.query('DELETE FROM reason_codes WHERE site_id = $1 AND NOT (code = ANY($2::text[]))', [siteId, ref.reasonCodes.map((r) => r.code)]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
