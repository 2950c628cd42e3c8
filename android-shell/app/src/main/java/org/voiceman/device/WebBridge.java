package org.voiceman.device;

import android.os.Build;
import android.webkit.JavascriptInterface;
import android.webkit.WebView;

import org.json.JSONException;
import org.json.JSONObject;

/**
 * The JavaScript interface `window.VoicemanAndroid` (see android-shell/web/src/bridge.ts for the
 * contract) and the calls back into `window.voicemanNative`. Methods run on a WebView binder
 * thread; every call is refused unless the page is the provisioned gateway's.
 */
final class WebBridge {
    private final WebView web;
    private final Provisioning prov;
    private final MicCapture mic;
    private final Speech speech;
    private final Updater updater;
    /** Origin of the page now shown (set on the UI thread in onPageStarted). */
    volatile String pageOrigin = "";

    WebBridge(MainActivity activity, WebView web, Provisioning prov) {
        this.web = web;
        this.prov = prov;
        this.mic = new MicCapture(new MicCapture.Sink() {
            @Override public void frames(String b64) { call("onMicFrames", quote(b64)); }
            @Override public void error(String message) { call("onMicError", quote(message)); }
        });
        this.speech = new Speech(activity, (id, what) -> call("onTts", quote(id) + "," + quote(what)));
        this.updater = new Updater(activity, prov.origin());
    }

    private boolean allowed() { return prov.origin().equals(pageOrigin); }

    @JavascriptInterface public String getInfo() {
        try {
            return new JSONObject().put("appVersion", BuildConfig.VERSION_NAME).put("versionCode", BuildConfig.VERSION_CODE)
                .put("model", Build.MANUFACTURER + " " + Build.MODEL).put("sdk", Build.VERSION.SDK_INT).toString();
        } catch (JSONException e) {
            throw new IllegalStateException("cannot encode info", e);
        }
    }

    @JavascriptInterface public String getProvisioning() { return allowed() ? prov.toJson() : ""; }
    @JavascriptInterface public void startMic() { if (allowed()) mic.start(); }
    @JavascriptInterface public void stopMic() { mic.stop(); }
    @JavascriptInterface public void speak(String id, String text, String language, float rate, float volume) {
        if (allowed()) speech.speak(id, text, language, rate, volume);
    }
    @JavascriptInterface public void stopSpeaking() { speech.stop(); }
    @JavascriptInterface public void installUpdate(String url) { if (allowed()) updater.install(url); }

    /** Native → page: a hardware key, the battery level. */
    void key(String name) { call("onKey", quote(name)); }
    void battery(int percent) { call("onBattery", Integer.toString(percent)); }

    void shutdown() {
        mic.stop();
        speech.shutdown();
    }

    private void call(String fn, String args) {
        String js = "window.voicemanNative&&window.voicemanNative." + fn + "(" + args + ")";
        web.post(() -> web.evaluateJavascript(js, null));
    }

    private static String quote(String s) { return JSONObject.quote(s); }
}
