using System.Text.Json;
using Chat.Storage.Sqlite;

namespace Chat.Webhooks.Storage;

/// <summary>Webhook registrations in <c>webhooks.db</c> (the table lived in <c>metadata.db</c> before).</summary>
internal sealed class SqliteWebhookRegistrations(string path, string legacyMetadataPath) : IWebhookRegistrations
{
    private readonly SqliteDatabase _db = new(path, "webhook-registrations",
        SqliteMigration.Sql(1, "webhooks", "CREATE TABLE IF NOT EXISTS webhooks (webhook_id TEXT PRIMARY KEY, registration TEXT NOT NULL);"),
        SqliteMigration.MoveFromLegacyFile(2, legacyMetadataPath, "webhooks"));

    public Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT INTO webhooks VALUES ($id, $r) ON CONFLICT (webhook_id) DO UPDATE SET registration = $r", tx,
                ("$id", webhook.WebhookId), ("$r", JsonSerializer.Serialize(webhook, WebhookStorageJson.Default.WebhookRegistration)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WebhookRegistration>>(_db.Read(connection => connection.Command("SELECT registration FROM webhooks ORDER BY webhook_id")
            .Query(r => JsonSerializer.Deserialize(r.GetString(0), WebhookStorageJson.Default.WebhookRegistration)!).ToList()));

    public Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM webhooks WHERE webhook_id = $id", tx, ("$id", webhookId));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        if ((await WebhooksAsync(cancellationToken)).FirstOrDefault(w => w.WebhookId == webhookId) is { } webhook)
            await CreateWebhookAsync(webhook with { Disabled = true }, cancellationToken);
    }
}
