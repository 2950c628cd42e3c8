package org.voiceman.device;

import android.app.Activity;
import android.app.PendingIntent;
import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.content.pm.PackageInstaller;
import android.util.Log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Installs a newer APK from the gateway. The web client decides that an update exists (it reads
 * /device/android/latest.json); this class downloads it into a PackageInstaller session and lets
 * Android ask the picker to confirm. Only URLs on the provisioned gateway are accepted.
 */
final class Updater {
    private static final String ACTION = "org.voiceman.device.INSTALL_RESULT";
    private final Activity activity;
    private final String allowedOrigin;

    Updater(Activity activity, String allowedOrigin) {
        this.activity = activity;
        this.allowedOrigin = allowedOrigin;
        activity.registerReceiver(new BroadcastReceiver() {
            @Override public void onReceive(Context c, Intent i) {
                int status = i.getIntExtra(PackageInstaller.EXTRA_STATUS, PackageInstaller.STATUS_FAILURE);
                if (status == PackageInstaller.STATUS_PENDING_USER_ACTION) {
                    Intent confirm = i.getParcelableExtra(Intent.EXTRA_INTENT);
                    if (confirm != null) activity.startActivity(confirm.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK));
                } else if (status != PackageInstaller.STATUS_SUCCESS) {
                    Log.w("voiceman", "update failed: " + i.getStringExtra(PackageInstaller.EXTRA_STATUS_MESSAGE));
                }
            }
        }, new IntentFilter(ACTION));
    }

    void install(String apkUrl) {
        if (!apkUrl.startsWith(allowedOrigin + "/")) { Log.w("voiceman", "update refused: not on the gateway"); return; }
        new Thread(() -> {
            try {
                download(apkUrl);
            } catch (IOException e) {
                Log.w("voiceman", "update download failed", e);
            }
        }, "voiceman-update").start();
    }

    private void download(String apkUrl) throws IOException {
        PackageInstaller pi = activity.getPackageManager().getPackageInstaller();
        PackageInstaller.SessionParams params = new PackageInstaller.SessionParams(PackageInstaller.SessionParams.MODE_FULL_INSTALL);
        int id = pi.createSession(params);
        HttpURLConnection conn = (HttpURLConnection) new URL(apkUrl).openConnection();
        try (PackageInstaller.Session session = pi.openSession(id)) {
            conn.setConnectTimeout(10000);
            conn.setReadTimeout(30000);
            if (conn.getResponseCode() != 200) throw new IOException("HTTP " + conn.getResponseCode());
            try (InputStream in = conn.getInputStream(); OutputStream out = session.openWrite("voiceman.apk", 0, -1)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
                session.fsync(out);
            }
            Intent result = new Intent(ACTION).setPackage(activity.getPackageName());
            PendingIntent pending = PendingIntent.getBroadcast(activity, id, result, PendingIntent.FLAG_UPDATE_CURRENT);
            session.commit(pending.getIntentSender());
        } finally {
            conn.disconnect();
        }
    }
}
