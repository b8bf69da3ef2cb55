using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Notifications.Storage;

/// <summary>Everything of the notifications service in <c>notifications.db</c>.</summary>
internal sealed class SqliteNotificationStore(string path) : INotificationStore
{
    private readonly SqliteDatabase _db = new(path, "notifications",
        SqliteMigration.Sql(1, "devices, mutes, settings, collapse windows, pending pushes", """
            CREATE TABLE devices (
                username   TEXT NOT NULL,
                device_id  TEXT NOT NULL,
                session_id TEXT NOT NULL,
                platform   TEXT NOT NULL,
                endpoint   TEXT,
                p256dh     TEXT,
                auth       TEXT,
                token      TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (username, device_id)
            );
            CREATE INDEX devices_by_session ON devices (session_id);
            CREATE TABLE mutes (username TEXT NOT NULL, conversation_id TEXT NOT NULL, until TEXT, PRIMARY KEY (username, conversation_id));
            CREATE TABLE settings (username TEXT PRIMARY KEY, previews INTEGER NOT NULL);
            CREATE TABLE collapse_windows (
                username        TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                ends_at         TEXT NOT NULL,
                suppressed      INTEGER NOT NULL,
                last_message_id TEXT,
                last_from       TEXT,
                PRIMARY KEY (username, conversation_id)
            );
            CREATE TABLE pushes (
                push_id         TEXT PRIMARY KEY,
                username        TEXT NOT NULL,
                device_id       TEXT NOT NULL,
                body            TEXT NOT NULL,
                attempts        INTEGER NOT NULL,
                state           TEXT NOT NULL,
                next_attempt_at TEXT NOT NULL,
                created_at      TEXT NOT NULL,
                trace_parent    TEXT
            );
            CREATE INDEX pushes_due ON pushes (state, next_attempt_at);
            CREATE INDEX pushes_by_device ON pushes (username, device_id);
            """),
        SqliteMigration.Sql(2, "notification levels per conversation", """
            CREATE TABLE IF NOT EXISTS notification_levels (
                username        TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                level           TEXT NOT NULL,
                PRIMARY KEY (username, conversation_id)
            );
            """));

    private const string DeviceColumns = "username, device_id, session_id, platform, endpoint, p256dh, auth, token, created_at";
    private const string PushColumns = "push_id, username, device_id, body, attempts, state, next_attempt_at, created_at, trace_parent";

    public Task PutDeviceAsync(Device d, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command($"INSERT OR REPLACE INTO devices ({DeviceColumns}) VALUES ($u, $d, $s, $p, $e, $k, $a, $t, $at)", tx,
                ("$u", d.Username), ("$d", d.DeviceId), ("$s", d.SessionId), ("$p", d.Platform), ("$e", d.Endpoint), ("$k", d.P256dh), ("$a", d.Auth),
                ("$t", d.Token), ("$at", d.CreatedAt.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<Device>> DevicesAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Device>>(_db.Read(connection => connection
            .Command($"SELECT {DeviceColumns} FROM devices WHERE username = $u ORDER BY created_at, device_id", null, ("$u", username))
            .Query(ReadDevice).ToList()));

    public Task<bool> DeleteDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) => DeleteDevices(connection, tx, "username = $u AND device_id = $d", ("$u", username), ("$d", deviceId)) > 0, cancellationToken);

    public Task<int> DeleteSessionDevicesAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) => DeleteDevices(connection, tx, "session_id = $s", ("$s", sessionId)), cancellationToken);

    /// <summary>The devices matching <paramref name="where"/>, and their pushes still waiting (sent and dead ones stay as the log).</summary>
    private static int DeleteDevices(SqliteConnection connection, SqliteTransaction tx, string where, params (string, object?)[] parameters)
    {
        using var pushes = connection.Command(
            $"DELETE FROM pushes WHERE state = 'pending' AND (username, device_id) IN (SELECT username, device_id FROM devices WHERE {where})", tx, parameters);
        pushes.ExecuteNonQuery();
        using var devices = connection.Command($"DELETE FROM devices WHERE {where}", tx, parameters);
        return devices.ExecuteNonQuery();
    }

    public Task MuteAsync(Mute mute, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT OR REPLACE INTO mutes VALUES ($u, $c, $until)", tx,
                ("$u", mute.Username), ("$c", mute.ConversationId), ("$until", mute.Until?.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> UnmuteAsync(string username, string conversationId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM mutes WHERE username = $u AND conversation_id = $c", tx, ("$u", username), ("$c", conversationId));
            return delete.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task<Mute?> MuteOfAsync(string username, string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT until FROM mutes WHERE username = $u AND conversation_id = $c", null, ("$u", username), ("$c", conversationId))
            .Query(r => new Mute(username, conversationId, r.IsDBNull(0) ? null : r.Time(0))).FirstOrDefault()));

    public Task<string> LevelOfAsync(string username, string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT level FROM notification_levels WHERE username = $u AND conversation_id = $c", null, ("$u", username), ("$c", conversationId))
            .Query(r => r.GetString(0)).FirstOrDefault() ?? NotificationLevels.All));

    public Task SetLevelAsync(string username, string conversationId, string level, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT OR REPLACE INTO notification_levels VALUES ($u, $c, $l)", tx, ("$u", username), ("$c", conversationId), ("$l", level));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> PreviewsAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT previews FROM settings WHERE username = $u", null, ("$u", username)).Query(r => r.GetInt64(0) != 0).DefaultIfEmpty(true).First()));

    public Task SetPreviewsAsync(string username, bool previews, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT OR REPLACE INTO settings VALUES ($u, $p)", tx, ("$u", username), ("$p", previews ? 1 : 0));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<CollapseWindow?> CollapseWindowAsync(string username, string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT ends_at, suppressed, last_message_id, last_from FROM collapse_windows WHERE username = $u AND conversation_id = $c", null,
                ("$u", username), ("$c", conversationId))
            .Query(r => new CollapseWindow(username, conversationId, r.Time(0), r.GetInt32(1), r.StringOrNull(2), r.StringOrNull(3))).FirstOrDefault()));

    public Task RecordAsync(CollapseWindow? window, IReadOnlyList<PendingPush> pushes, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            if (window is not null)
            {
                using var upsert = connection.Command("INSERT OR REPLACE INTO collapse_windows VALUES ($u, $c, $end, $n, $m, $f)", tx,
                    ("$u", window.Username), ("$c", window.ConversationId), ("$end", window.EndsAt.Iso()), ("$n", window.Suppressed),
                    ("$m", window.LastMessageId), ("$f", window.LastFrom));
                upsert.ExecuteNonQuery();
            }
            foreach (var p in pushes)
            {
                using var insert = connection.Command($"""
                    INSERT INTO pushes ({PushColumns}) VALUES ($id, $u, $d, $b, $n, $s, $next, $at, $trace)
                    ON CONFLICT (push_id) DO UPDATE SET body = excluded.body, next_attempt_at = excluded.next_attempt_at WHERE state = 'pending'
                    """, tx,
                    ("$id", p.PushId), ("$u", p.Username), ("$d", p.DeviceId), ("$b", p.Body), ("$n", p.Attempts), ("$s", p.State),
                    ("$next", p.NextAttemptAt.Iso()), ("$at", p.CreatedAt.Iso()), ("$trace", p.TraceParent));
                insert.ExecuteNonQuery();
            }
            return pushes.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<PendingPush>> DuePushesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingPush>>(_db.Read(connection => connection
            .Command($"SELECT {PushColumns} FROM pushes WHERE state = 'pending' AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT {limit}", null,
                ("$now", now.Iso()))
            .Query(ReadPush).ToList()));

    public Task UpdatePushAsync(PendingPush p, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("UPDATE pushes SET attempts = $n, state = $s, next_attempt_at = $next WHERE push_id = $id", tx,
                ("$id", p.PushId), ("$n", p.Attempts), ("$s", p.State), ("$next", p.NextAttemptAt.Iso()));
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<PendingPush>> PushesAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingPush>>(_db.Read(connection => connection
            .Command($"SELECT {PushColumns} FROM pushes WHERE username = $u ORDER BY created_at", null, ("$u", username)).Query(ReadPush).ToList()));

    private static Device ReadDevice(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.StringOrNull(4), r.StringOrNull(5), r.StringOrNull(6), r.StringOrNull(7), r.Time(8));

    private static PendingPush ReadPush(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetString(5), r.Time(6), r.Time(7), r.StringOrNull(8));
}
