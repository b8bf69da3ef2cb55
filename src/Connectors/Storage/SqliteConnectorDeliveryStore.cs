using Chat.Storage.Sqlite;

namespace Chat.Connectors.Storage;

/// <summary>The connector delivery store in <c>connectors.db</c> (its tables lived in <c>messages.db</c> before).</summary>
internal sealed class SqliteConnectorDeliveryStore(string path, string legacyMessagesPath) : IConnectorDeliveryStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS scheduled_deliveries (id TEXT PRIMARY KEY, delivery BLOB NOT NULL, due_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_scheduled_due ON scheduled_deliveries (due_at);
        CREATE TABLE IF NOT EXISTS dead_deliveries (
            id TEXT PRIMARY KEY, message_id TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
            delivery BLOB NOT NULL, reason TEXT NOT NULL, failed_at TEXT NOT NULL
        );
        """;

    private readonly SqliteDatabase _db = new(path, "connectors",
        SqliteMigration.Sql(1, "scheduled and dead deliveries", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMessagesPath, "scheduled_deliveries", "dead_deliveries"),
        SqliteMigration.Sql(3, "platform message ids, to edit and delete what was sent", """
            CREATE TABLE IF NOT EXISTS platform_messages (
                message_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL, platform_message_id TEXT NOT NULL, sent_at TEXT NOT NULL,
                PRIMARY KEY (message_id, recipient, channel)
            );
            """));

    public Task RecordPlatformMessageAsync(PlatformMessage sent, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT OR REPLACE INTO platform_messages VALUES ($m, $r, $c, $p, $at)", tx,
                ("$m", sent.MessageId), ("$r", sent.Recipient), ("$c", sent.Channel), ("$p", sent.PlatformMessageId), ("$at", sent.SentAt.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<string?> FindPlatformMessageAsync(string messageId, string recipient, string channel, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command(
                "SELECT platform_message_id FROM platform_messages WHERE message_id = $m AND recipient = $r AND channel = $c", null,
                ("$m", messageId), ("$r", recipient), ("$c", channel))
            .Query(r => r.GetString(0)).FirstOrDefault()));

    public Task ScheduleDeliveryAsync(ScheduledDelivery delivery, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command(
                "INSERT INTO scheduled_deliveries VALUES ($id, $d, $due) ON CONFLICT (id) DO UPDATE SET delivery = $d, due_at = $due", tx,
                ("$id", delivery.Id), ("$d", delivery.Delivery), ("$due", delivery.DueAt.Iso()));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<ScheduledDelivery>> DueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScheduledDelivery>>(_db.Read(connection => connection.Command(
                "SELECT id, delivery, due_at FROM scheduled_deliveries WHERE due_at <= $now ORDER BY due_at LIMIT $n", null, ("$now", now.Iso()), ("$n", limit))
            .Query(r => new ScheduledDelivery(r.GetString(0), (byte[])r.GetValue(1), r.Time(2))).ToList()));

    public Task RemoveScheduledDeliveryAsync(string id, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // Only the entry that was read: a newer schedule of the same delivery stays.
            using var delete = connection.Command("DELETE FROM scheduled_deliveries WHERE id = $id AND due_at = $due", tx, ("$id", id), ("$due", dueAt.Iso()));
            return delete.ExecuteNonQuery();
        }, cancellationToken);

    public Task AddDeadDeliveryAsync(DeadDelivery dead, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command(
                "INSERT INTO dead_deliveries VALUES ($id, $m, $c, $r, $d, $reason, $at) ON CONFLICT (id) DO UPDATE SET delivery = $d, reason = $reason, failed_at = $at", tx,
                ("$id", dead.Id), ("$m", dead.MessageId), ("$c", dead.Channel), ("$r", dead.Recipient), ("$d", dead.Delivery), ("$reason", dead.Reason), ("$at", dead.FailedAt.Iso()));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<DeadDelivery>> DeadDeliveriesAsync(int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeadDelivery>>(_db.Read(connection => connection.Command(
                "SELECT id, message_id, channel, recipient, delivery, reason, failed_at FROM dead_deliveries ORDER BY failed_at DESC LIMIT $n", null, ("$n", limit))
            .Query(r => new DeadDelivery(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r.GetValue(4), r.GetString(5), r.Time(6))).ToList()));

    public Task<DeadDelivery?> TakeDeadDeliveryAsync(string id, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) => connection.Command(
                "DELETE FROM dead_deliveries WHERE id = $id RETURNING id, message_id, channel, recipient, delivery, reason, failed_at", tx, ("$id", id))
            .Query(r => new DeadDelivery(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r.GetValue(4), r.GetString(5), r.Time(6)))
            .FirstOrDefault(), cancellationToken);
}
