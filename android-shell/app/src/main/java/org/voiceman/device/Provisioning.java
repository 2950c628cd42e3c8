package org.voiceman.device;

import android.content.Context;
import android.content.SharedPreferences;
import android.net.Uri;

import org.json.JSONException;
import org.json.JSONObject;

import java.util.regex.Pattern;

/**
 * The device identity given by the QR code / deep link
 * {@code voiceman://provision?url=<gateway base URL>&d=<deviceId>&t=<token>}, kept in private
 * preferences. Only validation here; everything else happens in the web client.
 */
final class Provisioning {
    private static final Pattern UUID = Pattern.compile("^[0-9a-fA-F-]{36}$");
    private static final String PREFS = "provisioning";

    final String gatewayUrl;
    final String deviceId;
    final String token;

    private Provisioning(String gatewayUrl, String deviceId, String token) {
        this.gatewayUrl = gatewayUrl;
        this.deviceId = deviceId;
        this.token = token;
    }

    /** Parses a provisioning deep link; returns null (and the caller shows why) when it is not valid. */
    static Provisioning fromUri(Uri uri) {
        if (uri == null || !"voiceman".equals(uri.getScheme()) || !"provision".equals(uri.getHost())) return null;
        String url = uri.getQueryParameter("url");
        String d = uri.getQueryParameter("d");
        String t = uri.getQueryParameter("t");
        if (url == null || d == null || t == null) return null;
        Uri gw = Uri.parse(url);
        boolean web = "https".equals(gw.getScheme()) || "http".equals(gw.getScheme());
        if (!web || gw.getHost() == null || !UUID.matcher(d).matches() || t.isEmpty() || t.length() > 200) return null;
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new Provisioning(base, d, t);
    }

    /**
     * Parses the console's QR payload {"v":1,"server":"https://gw:8080","deviceId":"…","token":"…"},
     * as shared to the app by a QR scanner app (ACTION_SEND text/plain).
     */
    static Provisioning fromJson(String text) {
        if (text == null) return null;
        try {
            JSONObject o = new JSONObject(text.trim());
            if (o.optInt("v") != 1) return null;
            return fromUri(new Uri.Builder().scheme("voiceman").authority("provision")
                .appendQueryParameter("url", o.getString("server"))
                .appendQueryParameter("d", o.getString("deviceId"))
                .appendQueryParameter("t", o.getString("token")).build());
        } catch (JSONException e) {
            return null; // not our QR code: the caller says so
        }
    }

    static Provisioning load(Context ctx) {
        SharedPreferences p = ctx.getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        String url = p.getString("url", null), d = p.getString("d", null), t = p.getString("t", null);
        return url == null || d == null || t == null ? null : new Provisioning(url, d, t);
    }

    void save(Context ctx) {
        ctx.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit()
            .putString("url", gatewayUrl).putString("d", deviceId).putString("t", token).apply();
    }

    /** The page the WebView opens. */
    String deviceUrl() { return gatewayUrl + "/device/"; }

    /** Scheme + host + port of the gateway: the only origin allowed to use the bridge. */
    String origin() {
        Uri u = Uri.parse(gatewayUrl);
        return u.getScheme() + "://" + u.getAuthority();
    }

    String toJson() {
        try {
            return new JSONObject().put("deviceId", deviceId).put("token", token).put("gatewayUrl", gatewayUrl).toString();
        } catch (JSONException e) {
            throw new IllegalStateException("cannot encode provisioning", e);
        }
    }
}
