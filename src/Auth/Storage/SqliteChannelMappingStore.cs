using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Auth.Storage;

/// <summary>Channel mappings in <c>auth.db</c> (the table lived in <c>metadata.db</c> before).</summary>
internal sealed class SqliteChannelMappingStore(string path, string legacyMetadataPath) : IChannelMappingStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS channel_mappings (
            username    TEXT NOT NULL COLLATE NOCASE,
            channel     TEXT NOT NULL,
            external_id TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            PRIMARY KEY (username, channel)
        );
        CREATE INDEX IF NOT EXISTS ix_channel_mappings_external ON channel_mappings (channel, external_id);
        """;

    /// <summary>
    /// Issue 14: proof, and one verified user per platform id. Rows from before count as verified (they
    /// counted then). Old data may name one platform id from several users, the newest of whom inbound
    /// messages were attributed to: that one stays verified and the others become pending (kept, not
    /// deleted, so their users see them and can prove them), which lets the unique index build and
    /// attributes nothing differently than before.
    /// </summary>
    private const string Proof = """
        ALTER TABLE channel_mappings ADD COLUMN verified INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE channel_mappings ADD COLUMN code_hash TEXT;
        ALTER TABLE channel_mappings ADD COLUMN code_expires_at TEXT;
        UPDATE channel_mappings SET verified = 0 WHERE EXISTS (
            SELECT 1 FROM channel_mappings AS newer
            WHERE newer.channel = channel_mappings.channel AND newer.external_id = channel_mappings.external_id
              AND (newer.updated_at > channel_mappings.updated_at
                   OR (newer.updated_at = channel_mappings.updated_at AND newer.username > channel_mappings.username)));
        CREATE UNIQUE INDEX ux_channel_mappings_verified_external ON channel_mappings (channel, external_id) WHERE verified = 1;
        """;

    private readonly SqliteDatabase _db = new(path, "channel-mappings",
        SqliteMigration.Sql(1, "channel mappings", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMetadataPath, "channel_mappings"),
        SqliteMigration.Sql(3, "channel mapping proof, one verified user per platform id", Proof));

    private static string? VerifiedOwner(SqliteConnection connection, SqliteTransaction tx, string channel, string externalId)
    {
        using var owner = connection.Command("SELECT username FROM channel_mappings WHERE channel = $c AND external_id = $e AND verified = 1", tx,
            ("$c", channel), ("$e", externalId));
        return owner.Query(r => r.GetString(0)).FirstOrDefault();
    }

    public Task<bool> SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // Writes are serialised, so nothing claims the id between this check and the upsert; the unique index backs it.
            if (VerifiedOwner(connection, tx, mapping.Channel, mapping.ExternalId) is { } owner && !owner.Equals(mapping.Username, StringComparison.OrdinalIgnoreCase))
                return false;
            using var upsert = connection.Command("""
                INSERT INTO channel_mappings (username, channel, external_id, updated_at, verified) VALUES ($u, $c, $e, $at, $v)
                ON CONFLICT (username, channel) DO UPDATE SET external_id = $e, updated_at = $at, verified = $v, code_hash = NULL, code_expires_at = NULL
                """, tx, ("$u", mapping.Username), ("$c", mapping.Channel), ("$e", mapping.ExternalId), ("$at", mapping.UpdatedAt.Iso()), ("$v", mapping.Verified ? 1 : 0));
            upsert.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public Task<bool> SetProofCodeAsync(string username, string channel, string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("UPDATE channel_mappings SET code_hash = $h, code_expires_at = $x WHERE username = $u AND channel = $c AND verified = 0", tx,
                ("$h", codeHash), ("$x", expiresAt.Iso()), ("$u", username), ("$c", channel));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<string?> VerifyChannelMappingAsync(string channel, string externalId, string codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.WriteAsync<string?>((connection, tx) =>
        {
            if (VerifiedOwner(connection, tx, channel, externalId) is not null) return null;
            using var verify = connection.Command("""
                UPDATE channel_mappings SET verified = 1, code_hash = NULL, code_expires_at = NULL, updated_at = $now
                WHERE channel = $c AND external_id = $e AND verified = 0 AND code_hash = $h AND code_expires_at > $now
                RETURNING username
                """, tx, ("$c", channel), ("$e", externalId), ("$h", codeHash), ("$now", now.Iso()));
            return verify.Query(r => r.GetString(0)).FirstOrDefault();
        }, cancellationToken);

    public Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ChannelMapping>>(_db.Read(connection => connection
            .Command("SELECT username, channel, external_id, updated_at, verified FROM channel_mappings WHERE username = $u ORDER BY channel", null, ("$u", username))
            .Query(r => new ChannelMapping(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.GetInt64(4) == 1)).ToList()));

    public Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM channel_mappings WHERE username = $u AND channel = $c", tx, ("$u", username), ("$c", channel));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT username FROM channel_mappings WHERE channel = $c AND external_id = $e AND verified = 1", null, ("$c", channel), ("$e", externalId))
            .Query(r => r.GetString(0)).FirstOrDefault()));
}
