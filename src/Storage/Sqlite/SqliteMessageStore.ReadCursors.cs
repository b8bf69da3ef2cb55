using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

// The read side of the unread counters (ReadCounters.cs keeps them as messages are stored).
internal sealed partial class SqliteMessageStore
{
    // A member's conversations with their activity (the newest message, else the creation) and their read state.
    private const string ActivitySelect = """
        SELECT id, activity, last_read_seq, unread, last_message_id, last_sender, last_preview, last_sent_at FROM (
            SELECT cm.conversation_id AS id, COALESCE(a.last_sent_at, c.created_at) AS activity,
                   COALESCE(r.last_read_seq, 0) AS last_read_seq, COALESCE(r.received - r.read_count, 0) AS unread,
                   a.last_message_id, a.last_sender, a.last_preview, a.last_sent_at
            FROM conversation_members cm
            JOIN conversations c ON c.conversation_id = cm.conversation_id
            LEFT JOIN conversation_activity a ON a.conversation_id = cm.conversation_id
            LEFT JOIN member_reads r ON r.conversation_id = cm.conversation_id AND r.username = cm.username
            WHERE cm.username = $u)
        """;

    public Task<IReadOnlyList<ConversationActivity>> ListByActivityAsync(string member, ActivityCursor? after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ConversationActivity>>(_db.Read(connection => connection.Command(
                $"{ActivitySelect} WHERE ($at IS NULL OR activity < $at OR (activity = $at AND id < $id)) AND NOT {ArchivedFor("id", "$u")} " +
                "ORDER BY activity DESC, id DESC LIMIT $n",
                null, ("$u", member), ("$at", after?.At.Iso()), ("$id", after?.ConversationId), ("$n", limit))
            .Query(r => ReadActivity(connection, member, r)).ToList()));

    public Task<ConversationActivity?> FindActivityAsync(string conversationId, string member, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command($"{ActivitySelect} WHERE id = $c", null, ("$u", member), ("$c", conversationId))
            .Query(r => ReadActivity(connection, member, r)).FirstOrDefault()));

    private static ConversationActivity ReadActivity(SqliteConnection connection, string member, SqliteDataReader r)
    {
        var id = r.GetString(0);
        var last = r.IsDBNull(4) ? null : new LastMessage(r.GetString(4), r.GetString(5), r.GetString(6), r.Time(7));
        return new ConversationActivity(LoadConversation(connection, id, null)!, new ReadState(id, member, r.GetInt64(2), r.GetInt64(3)), last, r.Time(1));
    }

    public Task<IReadOnlyList<ReadState>> UnreadOfAsync(string member, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReadState>>(_db.Read(connection => connection.Command(
                "SELECT r.conversation_id, r.last_read_seq, r.received - r.read_count FROM member_reads r " +
                "JOIN conversation_members cm ON cm.conversation_id = r.conversation_id AND cm.username = r.username " +
                "WHERE r.username = $u AND r.received > r.read_count ORDER BY r.conversation_id", null, ("$u", member))
            .Query(r => new ReadState(r.GetString(0), member, r.GetInt64(1), r.GetInt64(2))).ToList()));

    public Task<IReadOnlyList<ReadState>> MoveReadCursorsAsync(IReadOnlyList<ReadCursorMove> moves, CancellationToken cancellationToken = default) =>
        moves.Count == 0
            ? Task.FromResult<IReadOnlyList<ReadState>>([])
            : _db.WriteAsync<IReadOnlyList<ReadState>>((connection, tx) =>
            {
                // Later moves of the same cursor win over the states of earlier ones.
                var moved = new Dictionary<(string, string), ReadState>();
                foreach (var move in moves)
                    if (ReadCounters.Move(connection, tx, move) is { } state) moved[(state.ConversationId, state.Username)] = state;
                return moved.Values.ToList();
            }, cancellationToken);
}
