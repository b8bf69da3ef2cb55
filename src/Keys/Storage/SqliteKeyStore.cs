using System.Text.Json;
using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Keys.Storage;

/// <summary>The key directory in <c>keys.db</c>. A claim is one write transaction (SQLite has one writer), so it cannot hand a key out twice.</summary>
internal sealed class SqliteKeyStore(string path) : IKeyStore
{
    private readonly SqliteDatabase _db = new(path, "device-keys",
        SqliteMigration.Sql(1, "devices' public keys and one-time prekeys", """
            CREATE TABLE devices (
                username               TEXT NOT NULL,
                device_id              TEXT NOT NULL,
                identity_key           TEXT NOT NULL,
                signing_key            TEXT NOT NULL,
                signed_prekey          TEXT NOT NULL,
                previous_signed_prekey TEXT,
                previous_until         TEXT,
                created_at             TEXT NOT NULL,
                updated_at             TEXT NOT NULL,
                PRIMARY KEY (username, device_id)
            );
            CREATE TABLE one_time_prekeys (
                username   TEXT NOT NULL,
                device_id  TEXT NOT NULL,
                key_id     INTEGER NOT NULL,
                public_key TEXT NOT NULL,
                PRIMARY KEY (username, device_id, key_id)
            );
            """));

    private const string DeviceColumns = "username, device_id, identity_key, signing_key, signed_prekey, previous_signed_prekey, previous_until, created_at, updated_at";

    public Task PutDeviceAsync(DeviceKeys d, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            var identity = connection.Command("SELECT identity_key FROM devices WHERE username = $u AND device_id = $d", tx, ("$u", d.Username), ("$d", d.DeviceId))
                .Query(r => r.GetString(0)).FirstOrDefault();
            if (identity is not null && identity != d.IdentityKey) DeletePrekeys(connection, tx, d.Username, d.DeviceId);
            using var upsert = connection.Command($"INSERT OR REPLACE INTO devices ({DeviceColumns}) VALUES ($u, $d, $ik, $sk, $spk, $prev, $until, $at, $up)", tx,
                ("$u", d.Username), ("$d", d.DeviceId), ("$ik", d.IdentityKey), ("$sk", d.SigningKey),
                ("$spk", JsonSerializer.Serialize(d.SignedPrekey, KeyStorageJson.Default.SignedPrekey)),
                ("$prev", d.PreviousSignedPrekey is { } p ? JsonSerializer.Serialize(p, KeyStorageJson.Default.SignedPrekey) : null),
                ("$until", d.PreviousUntil?.Iso()), ("$at", d.CreatedAt.Iso()), ("$up", d.UpdatedAt.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<DeviceKeys?> FindDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command($"SELECT {DeviceColumns} FROM devices WHERE username = $u AND device_id = $d", null, ("$u", username), ("$d", deviceId))
            .Query(ReadDevice).FirstOrDefault()));

    public Task<IReadOnlyList<DeviceKeys>> DevicesAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeviceKeys>>(_db.Read(connection => connection
            .Command($"SELECT {DeviceColumns} FROM devices WHERE username = $u ORDER BY created_at, device_id", null, ("$u", username))
            .Query(ReadDevice).ToList()));

    public Task<bool> DeleteDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            DeletePrekeys(connection, tx, username, deviceId);
            using var delete = connection.Command("DELETE FROM devices WHERE username = $u AND device_id = $d", tx, ("$u", username), ("$d", deviceId));
            return delete.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task<int> AddOneTimePrekeysAsync(string username, string deviceId, IReadOnlyList<OneTimePrekey> keys, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command("INSERT INTO one_time_prekeys VALUES ($u, $d, $id, $k) ON CONFLICT DO NOTHING", tx,
                ("$u", username), ("$d", deviceId), ("$id", 0L), ("$k", ""));
            foreach (var key in keys)
            {
                insert.Bind(("$id", key.KeyId), ("$k", key.PublicKey));
                insert.ExecuteNonQuery();
            }
            return Count(connection, tx, username, deviceId);
        }, cancellationToken);

    public Task<int> CountOneTimePrekeysAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => Count(connection, null, username, deviceId)));

    public Task<PrekeyClaim> ClaimOneTimePrekeyAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            var key = connection.Command("""
                DELETE FROM one_time_prekeys WHERE username = $u AND device_id = $d
                    AND key_id = (SELECT min(key_id) FROM one_time_prekeys WHERE username = $u AND device_id = $d)
                RETURNING key_id, public_key
                """, tx, ("$u", username), ("$d", deviceId)).Query(r => new OneTimePrekey(r.GetInt64(0), r.GetString(1))).FirstOrDefault();
            return new PrekeyClaim(key, Count(connection, tx, username, deviceId));
        }, cancellationToken);

    private static int Count(SqliteConnection connection, SqliteTransaction? tx, string username, string deviceId)
    {
        using var count = connection.Command("SELECT count(*) FROM one_time_prekeys WHERE username = $u AND device_id = $d", tx, ("$u", username), ("$d", deviceId));
        return (int)(long)count.ExecuteScalar()!;
    }

    private static void DeletePrekeys(SqliteConnection connection, SqliteTransaction tx, string username, string deviceId)
    {
        using var delete = connection.Command("DELETE FROM one_time_prekeys WHERE username = $u AND device_id = $d", tx, ("$u", username), ("$d", deviceId));
        delete.ExecuteNonQuery();
    }

    private static DeviceKeys ReadDevice(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), JsonSerializer.Deserialize(r.GetString(4), KeyStorageJson.Default.SignedPrekey)!,
        r.StringOrNull(5) is { } previous ? JsonSerializer.Deserialize(previous, KeyStorageJson.Default.SignedPrekey) : null,
        r.IsDBNull(6) ? null : r.Time(6), r.Time(7), r.Time(8));
}
