using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Webhooks.Storage;

/// <summary>The webhook delivery log in <c>webhooks.db</c> (its tables lived in <c>messages.db</c> before).</summary>
internal sealed class SqliteWebhookDeliveryLog(string path, string legacyMessagesPath) : IWebhookDeliveryLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            delivery_id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
        CREATE TABLE IF NOT EXISTS webhook_attempts (
            delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, status_code INTEGER, latency_ms REAL NOT NULL, error TEXT,
            PRIMARY KEY (delivery_id, attempt)
        );
        """;

    private readonly SqliteDatabase _db = new(path, "webhook-deliveries",
        SqliteMigration.Sql(1, "webhook deliveries and attempts", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMessagesPath, "webhook_deliveries", "webhook_attempts"),
        SqliteMigration.AddColumn(3, "webhook_deliveries", "trace_parent", "TEXT"));

    private const string WebhookDeliveryColumns = "delivery_id, webhook_id, message_id, body, attempts, next_attempt_at, state, created_at, trace_parent";

    private static WebhookDelivery ReadWebhookDelivery(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (int)r.GetInt64(4), r.Time(5), r.GetString(6), r.Time(7), r.StringOrNull(8));

    public Task AddWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default) =>
        deliveries.Count == 0 ? Task.CompletedTask : _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command($"INSERT INTO webhook_deliveries ({WebhookDeliveryColumns}) VALUES ($d, $w, $m, $b, $a, $n, $s, $c, $t) ON CONFLICT DO NOTHING", tx,
                ("$d", ""), ("$w", ""), ("$m", ""), ("$b", ""), ("$a", 0), ("$n", ""), ("$s", ""), ("$c", ""), ("$t", null));
            foreach (var d in deliveries)
            {
                insert.Bind(("$d", d.DeliveryId), ("$w", d.WebhookId), ("$m", d.MessageId), ("$b", d.Body), ("$a", d.Attempts),
                    ("$n", d.NextAttemptAt.Iso()), ("$s", d.State), ("$c", d.CreatedAt.Iso()), ("$t", d.TraceParent));
                insert.ExecuteNonQuery();
            }
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> DueWebhookDeliveriesAsync(string webhookId, DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>(_db.Read(connection => connection.Command(
                $"SELECT {WebhookDeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $w AND state = 'pending' AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $n",
                null, ("$w", webhookId), ("$now", now.Iso()), ("$n", limit))
            .Query(ReadWebhookDelivery).ToList()));

    public Task RecordWebhookAttemptAsync(WebhookDelivery updated, WebhookAttempt attempt, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using (var insert = connection.Command("INSERT OR REPLACE INTO webhook_attempts VALUES ($d, $a, $at, $code, $ms, $e)", tx,
                       ("$d", attempt.DeliveryId), ("$a", attempt.Attempt), ("$at", attempt.At.Iso()), ("$code", attempt.StatusCode), ("$ms", attempt.LatencyMs), ("$e", attempt.Error)))
                insert.ExecuteNonQuery();
            using var update = connection.Command("UPDATE webhook_deliveries SET attempts = $a, next_attempt_at = $n, state = $s WHERE delivery_id = $d", tx,
                ("$a", updated.Attempts), ("$n", updated.NextAttemptAt.Iso()), ("$s", updated.State), ("$d", updated.DeliveryId));
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> WebhookDeliveriesAsync(
        string webhookId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<(WebhookDelivery, IReadOnlyList<WebhookAttempt>)>>(_db.Read(connection =>
        {
            var deliveries = connection.Command($"SELECT {WebhookDeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $w ORDER BY created_at DESC LIMIT $n",
                null, ("$w", webhookId), ("$n", limit)).Query(ReadWebhookDelivery).ToList();
            return deliveries.Select(d => (d, (IReadOnlyList<WebhookAttempt>)connection.Command(
                    "SELECT delivery_id, attempt, at, status_code, latency_ms, error FROM webhook_attempts WHERE delivery_id = $d ORDER BY attempt", null, ("$d", d.DeliveryId))
                .Query(r => new WebhookAttempt(r.GetString(0), (int)r.GetInt64(1), r.Time(2), r.IsDBNull(3) ? null : (int)r.GetInt64(3), r.GetDouble(4), r.StringOrNull(5)))
                .ToList())).ToList();
        }));

    public Task<bool> RetryWebhookDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $n WHERE delivery_id = $d AND webhook_id = $w", tx,
                ("$n", now.Iso()), ("$d", deliveryId), ("$w", webhookId));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
