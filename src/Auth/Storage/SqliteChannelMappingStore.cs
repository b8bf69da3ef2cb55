using Chat.Storage.Sqlite;

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

    private readonly SqliteDatabase _db = new(path, "channel-mappings",
        SqliteMigration.Sql(1, "channel mappings", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMetadataPath, "channel_mappings"));

    public Task SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command(
                "INSERT INTO channel_mappings VALUES ($u, $c, $e, $at) ON CONFLICT (username, channel) DO UPDATE SET external_id = $e, updated_at = $at", tx,
                ("$u", mapping.Username), ("$c", mapping.Channel), ("$e", mapping.ExternalId), ("$at", mapping.UpdatedAt.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ChannelMapping>>(_db.Read(connection => connection
            .Command("SELECT username, channel, external_id, updated_at FROM channel_mappings WHERE username = $u ORDER BY channel", null, ("$u", username))
            .Query(r => new ChannelMapping(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3))).ToList()));

    public Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM channel_mappings WHERE username = $u AND channel = $c", tx, ("$u", username), ("$c", channel));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT username FROM channel_mappings WHERE channel = $c AND external_id = $e ORDER BY updated_at DESC LIMIT 1", null, ("$c", channel), ("$e", externalId))
            .Query(r => r.GetString(0)).FirstOrDefault()));
}
