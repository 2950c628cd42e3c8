/**
 * APK update check (Android only): the gateway serves `/device/android/latest.json`
 * ({"versionCode": n, "versionName": "x.y.z", "apk": "voiceman-x.y.z.apk"}, next to the APK).
 * The decision (is it newer?) is made here; the shell only downloads and installs.
 */
export interface LatestApk { versionCode: number; versionName: string; url: string }

export function parseLatest(value: unknown, base: string): LatestApk | null {
  const v = value as { versionCode?: unknown; versionName?: unknown; apk?: unknown } | null;
  if (!v || typeof v.versionCode !== 'number' || typeof v.versionName !== 'string' || typeof v.apk !== 'string') return null;
  return { versionCode: v.versionCode, versionName: v.versionName, url: new URL(v.apk, base).toString() };
}

export async function checkForUpdate(base: string, installedVersionCode: number): Promise<LatestApk | null> {
  const res = await fetch(new URL('android/latest.json', base), { cache: 'no-store' });
  if (res.status === 404) return null; // no APK published on this gateway
  if (!res.ok) throw new Error(`update check: HTTP ${res.status}`);
  const latest = parseLatest(await res.json(), res.url);
  return latest && latest.versionCode > installedVersionCode ? latest : null;
}
