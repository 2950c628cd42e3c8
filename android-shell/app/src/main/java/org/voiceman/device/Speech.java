package org.voiceman.device;

import android.os.Bundle;
import android.speech.tts.TextToSpeech;
import android.speech.tts.UtteranceProgressListener;

import java.util.Locale;

/**
 * TextToSpeech bridge: language per prompt ("en"/"ru"), rate and volume from the operator's
 * settings, progress reported back by utterance id (start / done / stopped / error).
 */
final class Speech {
    interface Progress { void tts(String id, String what); }

    private final TextToSpeech tts;
    private final Progress progress;
    private volatile boolean ready;

    Speech(android.content.Context ctx, Progress progress) {
        this.progress = progress;
        this.tts = new TextToSpeech(ctx, status -> ready = status == TextToSpeech.SUCCESS);
        tts.setOnUtteranceProgressListener(new UtteranceProgressListener() {
            @Override public void onStart(String id) { progress.tts(id, "start"); }
            @Override public void onDone(String id) { progress.tts(id, "done"); }
            @Override public void onStop(String id, boolean interrupted) { progress.tts(id, "stopped"); }
            @Override public void onError(String id) { progress.tts(id, "error"); }
            @Override public void onError(String id, int code) { progress.tts(id, "error"); }
        });
    }

    synchronized void speak(String id, String text, String language, float rate, float volume) {
        if (!ready) { progress.tts(id, "error"); return; }
        Locale locale = "ru".equals(language) ? new Locale("ru", "RU") : Locale.US;
        int lang = tts.setLanguage(locale);
        if (lang == TextToSpeech.LANG_MISSING_DATA || lang == TextToSpeech.LANG_NOT_SUPPORTED) { progress.tts(id, "error"); return; }
        tts.setSpeechRate(Math.max(0.5f, Math.min(2f, rate)));
        Bundle params = new Bundle();
        params.putFloat(TextToSpeech.Engine.KEY_PARAM_VOLUME, Math.max(0.1f, Math.min(1f, volume)));
        if (tts.speak(text, TextToSpeech.QUEUE_FLUSH, params, id) != TextToSpeech.SUCCESS) progress.tts(id, "error");
    }

    synchronized void stop() {
        tts.stop(); // onStop follows for the current utterance
    }

    void shutdown() { tts.shutdown(); }
}
