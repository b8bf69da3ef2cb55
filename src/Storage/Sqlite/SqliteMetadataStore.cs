namespace Chat.Storage.Sqlite;

internal sealed class SqliteMetadataStore(string path) : IMetadataStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            username      TEXT PRIMARY KEY COLLATE NOCASE,
            display_name  TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS refresh_tokens (
            token_hash TEXT PRIMARY KEY,
            family_id  TEXT NOT NULL,
            subject    TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used       INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS revoked_token_families (family_id TEXT PRIMARY KEY, revoked_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS clients (
            client_id   TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            scopes      TEXT NOT NULL,
            act_as      TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS channel_mappings (
            username    TEXT NOT NULL COLLATE NOCASE,
            channel     TEXT NOT NULL,
            external_id TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            PRIMARY KEY (username, channel)
        );
        CREATE INDEX IF NOT EXISTS ix_channel_mappings_external ON channel_mappings (channel, external_id);
        CREATE TABLE IF NOT EXISTS webhooks (webhook_id TEXT PRIMARY KEY, registration TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS files (file_id TEXT PRIMARY KEY, record TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS file_shares (file_id TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (file_id, conversation_id));
        """;

    private readonly SqliteDatabase _db = new(path, Schema);

    public Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // The primary key decides the race: of concurrent inserts of one name, one changes a row.
            using var insert = connection.Command(
                "INSERT INTO users (username, display_name, password_hash, created_at) VALUES ($u, $d, $p, $c) ON CONFLICT DO NOTHING",
                tx, ("$u", user.Username), ("$d", user.DisplayName), ("$p", user.PasswordHash), ("$c", user.CreatedAt.Iso()));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT username, display_name, password_hash, created_at FROM users WHERE username = $u", null, ("$u", username))
            .Query(r => new User(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3)))
            .FirstOrDefault()));

    public Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default)
    {
        var names = usernames.Distinct().ToList();
        if (names.Count == 0) return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        return Task.FromResult<IReadOnlySet<string>>(_db.Read(connection =>
        {
            var command = connection.Command($"SELECT username FROM users WHERE username IN ({string.Join(",", names.Select((_, i) => "$n" + i))})");
            for (var i = 0; i < names.Count; i++) command.Parameters.AddWithValue("$n" + i, names[i]);
            return command.Query(r => r.GetString(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }));
    }

    public Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command(
                "INSERT INTO refresh_tokens (token_hash, family_id, subject, created_at, expires_at, used) VALUES ($h, $f, $s, $c, $e, $u)", tx,
                ("$h", token.TokenHash), ("$f", token.FamilyId), ("$s", token.Subject), ("$c", token.CreatedAt.Iso()), ("$e", token.ExpiresAt.Iso()), ("$u", token.Used ? 1 : 0));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT token_hash, family_id, subject, created_at, expires_at, used FROM refresh_tokens WHERE token_hash = $h", null, ("$h", tokenHash))
            .Query(r => new RefreshToken(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.Time(4), r.GetInt64(5) == 1))
            .FirstOrDefault()));

    public Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("UPDATE refresh_tokens SET used = 1 WHERE token_hash = $h AND used = 0", tx, ("$h", tokenHash));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command("INSERT INTO revoked_token_families VALUES ($f, $at) ON CONFLICT DO NOTHING", tx,
                ("$f", familyId), ("$at", DateTimeOffset.UtcNow.Iso()));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT 1 FROM revoked_token_families WHERE family_id = $f", null, ("$f", familyId)).Query(_ => true).Any()));

    public Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command(
                "INSERT INTO clients VALUES ($id, $n, $s, $scopes, $act, $at) ON CONFLICT DO NOTHING", tx,
                ("$id", client.ClientId), ("$n", client.Name), ("$s", client.SecretHash), ("$scopes", string.Join(' ', client.Scopes)),
                ("$act", string.Join(' ', client.ActAs)), ("$at", client.CreatedAt.Iso()));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT client_id, name, secret_hash, scopes, act_as, created_at FROM clients WHERE client_id = $id", null, ("$id", clientId))
            .Query(r => new IntegratorClient(r.GetString(0), r.GetString(1), r.GetString(2),
                r.GetString(3).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.Time(5)))
            .FirstOrDefault()));

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

    public Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default) => PutWebhookAsync(webhook, cancellationToken);

    private Task PutWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT INTO webhooks VALUES ($id, $r) ON CONFLICT (webhook_id) DO UPDATE SET registration = $r", tx,
                ("$id", webhook.WebhookId), ("$r", System.Text.Json.JsonSerializer.Serialize(webhook, StorageJsonContext.Default.WebhookRegistration)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WebhookRegistration>>(_db.Read(connection => connection.Command("SELECT registration FROM webhooks ORDER BY webhook_id")
            .Query(r => System.Text.Json.JsonSerializer.Deserialize(r.GetString(0), StorageJsonContext.Default.WebhookRegistration)!).ToList()));

    public Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM webhooks WHERE webhook_id = $id", tx, ("$id", webhookId));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        if ((await WebhooksAsync(cancellationToken)).FirstOrDefault(w => w.WebhookId == webhookId) is { } webhook)
            await PutWebhookAsync(webhook with { Disabled = true }, cancellationToken);
    }

    public Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT INTO files VALUES ($id, $r) ON CONFLICT (file_id) DO UPDATE SET record = $r", tx,
                ("$id", file.FileId), ("$r", System.Text.Json.JsonSerializer.Serialize(file with { SharedIn = [] }, StorageJsonContext.Default.FileRecord)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection =>
        {
            var file = connection.Command("SELECT record FROM files WHERE file_id = $id", null, ("$id", fileId))
                .Query(r => System.Text.Json.JsonSerializer.Deserialize(r.GetString(0), StorageJsonContext.Default.FileRecord)!).FirstOrDefault();
            if (file is null) return null;
            var shares = connection.Command("SELECT conversation_id FROM file_shares WHERE file_id = $id ORDER BY conversation_id", null, ("$id", fileId))
                .Query(r => r.GetString(0)).ToList();
            return file with { SharedIn = shares };
        }));

    public Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var shares = connection.Command("DELETE FROM file_shares WHERE file_id = $id", tx, ("$id", fileId));
            shares.ExecuteNonQuery();
            using var delete = connection.Command("DELETE FROM files WHERE file_id = $id", tx, ("$id", fileId));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command("INSERT INTO file_shares VALUES ($f, $c) ON CONFLICT DO NOTHING", tx, ("$f", fileId), ("$c", conversationId));
            return insert.ExecuteNonQuery();
        }, cancellationToken);
}
