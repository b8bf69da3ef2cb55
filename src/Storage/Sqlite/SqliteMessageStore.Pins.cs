using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

// Pins (issue 25): decided as message changes, in partition order; each pin or unpin is also a system message.
internal sealed partial class SqliteMessageStore
{
    private static readonly SqliteMigration PinsMigration = SqliteMigration.Sql(12, "pinned messages", """
        CREATE TABLE IF NOT EXISTS message_pins (
            conversation_id TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            pinned_by       TEXT NOT NULL,
            pinned_at       TEXT NOT NULL,
            expires_at      TEXT,
            PRIMARY KEY (conversation_id, message_id)
        ) WITHOUT ROWID;
        """);

    /// <summary>
    /// Pins (again, with the new expiry) or unpins the message, and stores the system message that says so, numbered next, to
    /// the members now. Null when an unpin found nothing pinned (or only a pin that had expired): nothing changes then.
    /// </summary>
    private StoredMessage? ApplyPin(SqliteConnection connection, SqliteTransaction tx, MessageChangeEvent change, IReadOnlyList<MemberInterval> intervals, DateTimeOffset now)
    {
        var request = change.Request;
        if (request.Kind == MessageChangeKinds.Pinned)
            Execute(connection, tx,
                "INSERT INTO message_pins VALUES ($c, $m, $by, $at, $until) ON CONFLICT (conversation_id, message_id) DO UPDATE SET " +
                "pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, expires_at = excluded.expires_at",
                ("$c", change.ConversationId), ("$m", request.MessageId), ("$by", request.Actor), ("$at", now.Iso()), ("$until", request.ExpiresAt?.Iso()));
        else
        {
            using var unpin = connection.Command("DELETE FROM message_pins WHERE conversation_id = $c AND message_id = $m AND (expires_at IS NULL OR expires_at > $now)", tx,
                ("$c", change.ConversationId), ("$m", request.MessageId), ("$now", now.Iso()));
            var removed = unpin.ExecuteNonQuery();
            Execute(connection, tx, "DELETE FROM message_pins WHERE conversation_id = $c AND message_id = $m", ("$c", change.ConversationId), ("$m", request.MessageId));
            if (removed == 0) return null;
        }
        var seq = connection.Command("UPDATE conversations SET last_seq = last_seq + 1 WHERE conversation_id = $c RETURNING last_seq", tx,
            ("$c", change.ConversationId)).Query(r => r.GetInt64(0)).Single();
        var system = Pins.SystemMessage(change, intervals.Where(i => i.IsOpen).Select(i => i.Username).Distinct().ToList());
        InsertSystemMessage(connection, tx, system, seq, now, system.To.Select(u => new Delivery(u, Chat.Shared.Channels.App, Chat.Shared.MessageStatus.Sent)).ToList());
        return new StoredMessage(system.MessageId, system.ConversationId, seq, system.From, system.To, system.Channels, system.Payload, system.AcceptedAt, now);
    }

    public Task<IReadOnlyList<Pin>> PinsAsync(string conversationId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Pin>>(_db.Read(connection =>
        {
            var pins = connection.Command(
                    $"SELECT {MessageColumns}, p.pinned_by, p.pinned_at, p.expires_at FROM message_pins p JOIN messages m ON m.message_id = p.message_id " +
                    "WHERE p.conversation_id = $c AND (p.expires_at IS NULL OR p.expires_at > $now) ORDER BY p.pinned_at DESC", null,
                    ("$c", conversationId), ("$now", now.Iso()))
                .Query(r => new Pin(ReadMessage(r), r.GetString(MessageColumnCount), r.Time(MessageColumnCount + 1),
                    r.IsDBNull(MessageColumnCount + 2) ? null : r.Time(MessageColumnCount + 2)))
                .ToList();
            var messages = pins.Select(p => p.Message).ToList().WithReactions(connection, null);
            return pins.Zip(messages, (p, m) => p with { Message = m }).ToList();
        }));
}
