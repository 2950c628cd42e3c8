/**
 * A short real run: the gateway in its own process on port 0 (fresh database on DATABASE_URL),
 * a few simulated devices streaming real speech frames and answering the echo.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchGateway, REPO_ROOT } from '../launch.ts';
import { FrameBank, loadDigitClips, type RawClip } from '../audio/bank.ts';
import { runLoad } from '../run.ts';
import { EchoScript, IdleScript } from '../scripts.ts';
import { parseOptions } from '../options.ts';

const FSDD = path.join(REPO_ROOT, '..', 'shared', 'speech', 'fsdd-dev');

function bank(): { bank: FrameBank; voices: string[] } {
  let clips: RawClip[];
  if (existsSync(FSDD)) {
    clips = loadDigitClips(FSDD, { takes: 2 });
  } else {
    t.comment(`${FSDD} absent: using synthetic tones instead of real speech`);
    clips = Array.from({ length: 10 }, (_, d) => ({
      label: String(d), voice: 'tone', sampleRate: 16000,
      pcm: Int16Array.from({ length: 6000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * (200 + 40 * d) * i) / 16000))),
    }));
  }
  return { bank: new FrameBank(clips), voices: [...new Set(clips.map((c) => c.voice))] };
}

t.test('a 5-second echo run against a real gateway process', async (t) => {
  const gw = await launchGateway({ devices: 6, env: { CONVERSATION: 'echo', SPEECH: 'false' } });
  t.teardown(() => gw.close());
  const { bank: b, voices } = bank();
  const r = await runLoad({
    wsUrl: gw.wsUrl, metricsUrl: gw.metricsUrl, pid: gw.pid, creds: gw.devices.slice(0, 4), bank: b, voices,
    script: new EchoScript(), audio: 'gate', speechDuty: 0.5, durationS: 5, warmupS: 1, mode: 'echo', seed: 3,
  });
  t.equal(r.sessions_connected, 4, 'every session connected');
  t.equal(r.errors, 0, JSON.stringify(r.error_kinds));
  t.ok(r.turns >= 4, `turns ${r.turns}`);
  t.ok(r.gap_p95_ms !== null && r.gap_p95_ms >= 0, 'gap measured');
  t.ok(r.frames_sent > 50, `frames sent ${r.frames_sent}`);
  t.ok(r.gateway_frames_per_s !== null && r.gateway_frames_per_s > 0, 'the gateway counted the frames');
  t.ok(r.gateway_cpu_pct !== null && r.gateway_rss_mb !== null && r.gateway_rss_mb > 20, 'gateway /proc figures');
  t.ok(r.loadgen_cpu_pct !== null, 'load generator CPU');
  t.ok(r.timeline.length >= 4, 'a sample per second');

  const idle = await runLoad({
    wsUrl: gw.wsUrl, metricsUrl: gw.metricsUrl, pid: gw.pid, creds: gw.devices.slice(0, 6), bank: b, voices,
    script: new IdleScript(), audio: 'gate', speechDuty: 0.1, durationS: 2, warmupS: 1, mode: 'idle',
  });
  t.equal(idle.sessions_connected, 6);
  t.equal(idle.turns, 0, 'idle sessions say nothing');
  t.equal(idle.frames_sent, 0, 'and send no audio');
  t.equal(typeof idle.rss_per_idle_session_mb, 'number', 'RSS per idle session reported');
  t.ok(idle.rss_per_idle_session_mb! >= 0, 'never negative');
  t.equal(typeof idle.rss_idle_delta_mb, 'number', 'the raw RSS change beside it');
});

t.test('--gateway-cpu-prof: the started gateway writes its main thread\'s CPU profile when it stops', async (t) => {
  t.equal(parseOptions(['--gateway-cpu-prof', 'p']).gatewayCpuProf, path.resolve('p'));
  t.equal(parseOptions([]).gatewayCpuProf, undefined, 'off by default');
  t.throws(() => parseOptions(['--gateway-cpu-prof', 'p', '--target', 'http://127.0.0.1:8080', '--devices', 'd.json']), /the gateway the bench starts/);
  const dir = mkdtempSync(path.join(tmpdir(), 'vm-bench-prof-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const gw = await launchGateway({ devices: 1, env: { CONVERSATION: 'echo', SPEECH: 'false' }, cpuProfDir: dir });
  await gw.close();
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  t.ok(files.length >= 1, `profiles written: ${files.join(', ')}`);
  const prof = JSON.parse(readFileSync(path.join(dir, files[0]!), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
  t.ok(prof.nodes.length > 0 && prof.samples.length > 0, 'a V8 CPU profile');
});
