package org.voiceman.device;

import android.media.AudioFormat;
import android.media.AudioRecord;
import android.media.MediaRecorder;
import android.util.Base64;
import android.util.Log;

/**
 * Microphone: AudioRecord with the VOICE_RECOGNITION source (tuned for ASR: no heavy AGC) at
 * 16 kHz mono PCM16, read in 20 ms frames (640 bytes) on its own thread and handed to the web
 * client two frames at a time as base64. The voice gate and all decisions are in the web client.
 */
final class MicCapture {
    interface Sink { void frames(String base64); void error(String message); }

    private static final int RATE = 16000;
    private static final int FRAME_BYTES = 640;
    private static final int FRAMES_PER_CALL = 2;
    private final Sink sink;
    private Thread thread;
    private volatile boolean running;

    MicCapture(Sink sink) { this.sink = sink; }

    synchronized void start() {
        if (running) return;
        running = true;
        thread = new Thread(this::loop, "voiceman-mic");
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    synchronized void stop() {
        running = false;
        if (thread != null) thread.interrupt();
        thread = null;
    }

    private void loop() {
        int min = AudioRecord.getMinBufferSize(RATE, AudioFormat.CHANNEL_IN_MONO, AudioFormat.ENCODING_PCM_16BIT);
        if (min <= 0) { sink.error("AudioRecord: 16 kHz mono PCM16 not supported (" + min + ")"); running = false; return; }
        AudioRecord rec;
        try {
            rec = new AudioRecord(MediaRecorder.AudioSource.VOICE_RECOGNITION, RATE, AudioFormat.CHANNEL_IN_MONO,
                AudioFormat.ENCODING_PCM_16BIT, Math.max(min, FRAME_BYTES * 25));
        } catch (IllegalArgumentException | SecurityException e) {
            sink.error("AudioRecord: " + e.getMessage());
            running = false;
            return;
        }
        if (rec.getState() != AudioRecord.STATE_INITIALIZED) {
            sink.error("AudioRecord did not initialise (permission or device busy)");
            rec.release();
            running = false;
            return;
        }
        byte[] buf = new byte[FRAME_BYTES * FRAMES_PER_CALL];
        try {
            rec.startRecording();
            while (running) {
                int off = 0;
                while (running && off < buf.length) {
                    int n = rec.read(buf, off, buf.length - off);
                    if (n < 0) throw new IllegalStateException("AudioRecord.read returned " + n);
                    off += n;
                }
                if (off == buf.length) sink.frames(Base64.encodeToString(buf, Base64.NO_WRAP));
            }
        } catch (IllegalStateException e) {
            Log.w("voiceman", "microphone stopped", e);
            sink.error("microphone: " + e.getMessage());
        } finally {
            if (rec.getRecordingState() == AudioRecord.RECORDSTATE_RECORDING) rec.stop();
            rec.release();
            running = false;
        }
    }
}
