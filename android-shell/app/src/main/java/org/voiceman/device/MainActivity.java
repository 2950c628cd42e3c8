package org.voiceman.device;

import android.Manifest;
import android.app.Activity;
import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.content.pm.PackageManager;
import android.net.Uri;
import android.os.BatteryManager;
import android.os.Bundle;
import android.view.KeyEvent;
import android.view.WindowManager;
import android.webkit.WebResourceRequest;
import android.webkit.WebSettings;
import android.webkit.WebView;
import android.webkit.WebViewClient;
import android.widget.TextView;
import android.widget.Toast;

/**
 * One Activity hosting a WebView on the provisioned gateway's /device/ page. Provisioning comes
 * from the deep link in the device's QR code. Starts the keep-alive service, asks for the
 * microphone, maps headset and hardware keys to `button` events and reports the battery.
 */
public final class MainActivity extends Activity {
    private WebView web;
    private WebBridge bridge;
    private BroadcastReceiver batteryReceiver;

    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        getWindow().addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON);
        Provisioning fromLink = fromIntent(getIntent());
        if (fromLink != null) fromLink.save(this);
        else if (getIntent().getData() != null || Intent.ACTION_SEND.equals(getIntent().getAction())) {
            Toast.makeText(this, "Invalid provisioning code", Toast.LENGTH_LONG).show();
        }
        Provisioning prov = Provisioning.load(this);
        if (prov == null) {
            TextView tv = new TextView(this);
            tv.setText(R.string.not_provisioned);
            tv.setTextSize(22);
            tv.setPadding(32, 32, 32, 32);
            setContentView(tv);
            return;
        }
        startForegroundService(new Intent(this, KeepAliveService.class));
        if (checkSelfPermission(Manifest.permission.RECORD_AUDIO) != PackageManager.PERMISSION_GRANTED) {
            requestPermissions(new String[] { Manifest.permission.RECORD_AUDIO }, 1);
        }
        web = new WebView(this);
        WebSettings s = web.getSettings();
        s.setJavaScriptEnabled(true);
        s.setDomStorageEnabled(true);
        s.setMediaPlaybackRequiresUserGesture(false);
        s.setAllowFileAccess(false);
        s.setAllowContentAccess(false);
        s.setCacheMode(WebSettings.LOAD_DEFAULT); // index.html is no-cache, assets are hashed
        bridge = new WebBridge(this, web, prov);
        final String origin = prov.origin();
        web.setWebViewClient(new WebViewClient() {
            @Override public boolean shouldOverrideUrlLoading(WebView v, WebResourceRequest req) {
                Uri u = req.getUrl();
                if (origin.equals(u.getScheme() + "://" + u.getAuthority())) return false;
                startActivity(new Intent(Intent.ACTION_VIEW, u)); // never inside the bridge-enabled WebView
                return true;
            }
            @Override public void onPageStarted(WebView v, String url, android.graphics.Bitmap icon) {
                Uri u = Uri.parse(url);
                bridge.pageOrigin = u.getScheme() + "://" + u.getAuthority();
            }
            @Override public void onReceivedError(WebView v, WebResourceRequest req, android.webkit.WebResourceError err) {
                // The gateway is unreachable at start: retry the page; once loaded, the web client reconnects itself.
                if (req.isForMainFrame()) v.postDelayed(() -> v.loadUrl(prov.deviceUrl()), 3000);
            }
        });
        web.addJavascriptInterface(bridge, "VoicemanAndroid");
        setContentView(web);
        web.loadUrl(prov.deviceUrl());
        batteryReceiver = new BroadcastReceiver() {
            private int reported = -100;
            @Override public void onReceive(Context c, Intent i) {
                int level = i.getIntExtra(BatteryManager.EXTRA_LEVEL, -1), scale = i.getIntExtra(BatteryManager.EXTRA_SCALE, 100);
                if (level < 0 || scale <= 0) return;
                int pct = level * 100 / scale;
                if (Math.abs(pct - reported) >= 5) { reported = pct; bridge.battery(pct); } // every 5 %, not every tick
            }
        };
        registerReceiver(batteryReceiver, new IntentFilter(Intent.ACTION_BATTERY_CHANGED));
    }

    @Override
    protected void onNewIntent(Intent intent) {
        super.onNewIntent(intent);
        Provisioning p = fromIntent(intent);
        if (p != null) { p.save(this); recreate(); }
    }

    /** A deep link (VIEW voiceman://provision…) or the console's QR JSON shared by a scanner app (SEND text). */
    private static Provisioning fromIntent(Intent i) {
        if (Intent.ACTION_SEND.equals(i.getAction())) return Provisioning.fromJson(i.getStringExtra(Intent.EXTRA_TEXT));
        return Provisioning.fromUri(i.getData());
    }

    @Override
    public void onRequestPermissionsResult(int code, String[] perms, int[] results) {
        if (results.length > 0 && results[0] != PackageManager.PERMISSION_GRANTED) {
            Toast.makeText(this, R.string.mic_denied, Toast.LENGTH_LONG).show();
        }
    }

    /** Headset and hardware keys become `button` events; the web client decides what they mean. */
    @Override
    public boolean dispatchKeyEvent(KeyEvent e) {
        String name = keyName(e.getKeyCode());
        if (bridge == null || name == null) return super.dispatchKeyEvent(e);
        if (e.getAction() == KeyEvent.ACTION_UP) bridge.key(e.isLongPress() || (e.getEventTime() - e.getDownTime()) > 800 ? name + "_long" : name);
        return true;
    }

    private static String keyName(int code) {
        switch (code) {
            case KeyEvent.KEYCODE_HEADSETHOOK:
            case KeyEvent.KEYCODE_MEDIA_PLAY_PAUSE: return "headset";
            case KeyEvent.KEYCODE_MEDIA_NEXT: return "next";
            case KeyEvent.KEYCODE_MEDIA_PREVIOUS: return "previous";
            case KeyEvent.KEYCODE_F1: return "f1";
            case KeyEvent.KEYCODE_F2: return "f2";
            case KeyEvent.KEYCODE_BUTTON_1: return "ptt";
            default: return null; // volume keys keep their normal meaning
        }
    }

    @Override
    protected void onDestroy() {
        if (batteryReceiver != null) unregisterReceiver(batteryReceiver);
        if (bridge != null) bridge.shutdown();
        if (web != null) web.destroy();
        stopService(new Intent(this, KeepAliveService.class));
        super.onDestroy();
    }
}
