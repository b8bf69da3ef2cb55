using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

// Threads and mentions (issue 25); ThreadCounters.cs keeps their tables as messages are stored.
internal sealed partial class SqliteMessageStore
{
    // A thread's unread for a member: its replies above their thread cursor addressed to them and not sent by them.
    // A thread is small and its replies are one range of ix_messages_thread, so this counts that range only.
    private const string ThreadUnread =
        "SELECT count(*) FROM messages m WHERE m.thread_root = $root AND m.sequence_number > $cursor AND m.sender <> $u " +
        "AND EXISTS (SELECT 1 FROM json_each(m.recipients) WHERE value = $u)";

    public Task<IReadOnlyList<ThreadView>> ListThreadsAsync(string conversationId, string member, IReadOnlyList<MemberInterval> within, long? beforeReplySeq, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return Task.FromResult<IReadOnlyList<ThreadView>>([]);
        var (ranges, parameters) = Ranges(within, "m");
        return Task.FromResult<IReadOnlyList<ThreadView>>(_db.Read(connection =>
        {
            var rows = connection.Command(
                    $"SELECT {MessageColumns}, COALESCE(f.following, 0), COALESCE(f.last_read_seq, 0), t.last_reply_seq FROM threads t " +
                    "JOIN messages m ON m.message_id = t.root_id LEFT JOIN thread_members f ON f.root_id = t.root_id AND f.username = $u " +
                    $"WHERE t.conversation_id = $c AND ($before IS NULL OR t.last_reply_seq < $before) AND ({ranges}) ORDER BY t.last_reply_seq DESC LIMIT $n",
                    null, [.. parameters, ("$c", conversationId), ("$u", member), ("$before", beforeReplySeq), ("$n", limit)])
                .Query(r => (Root: ReadMessage(r), Following: r.GetInt64(MessageColumnCount) != 0, LastRead: r.GetInt64(MessageColumnCount + 1), LastReply: r.GetInt64(MessageColumnCount + 2)))
                .ToList();
            var roots = rows.Select(t => t.Root).ToList().WithReactions(connection, null);
            return rows.Zip(roots, (t, root) => new ThreadView(root, t.Following, t.LastRead, CountThreadUnread(connection, null, root.MessageId, member, t.LastRead), t.LastReply))
                .ToList();
        }));
    }

    public Task<ThreadView?> FindThreadAsync(string rootId, string member, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => FindThread(connection, null, rootId, member)));

    private static ThreadView? FindThread(SqliteConnection connection, SqliteTransaction? tx, string rootId, string member)
    {
        if (FindMessage(connection, tx, rootId) is not { } root) return null;
        var (following, lastRead) = connection.Command("SELECT following, last_read_seq FROM thread_members WHERE root_id = $root AND username = $u", tx,
                ("$root", rootId), ("$u", member))
            .Query(r => (r.GetInt64(0) != 0, r.GetInt64(1))).FirstOrDefault();
        var lastReply = connection.Command("SELECT last_reply_seq FROM threads WHERE root_id = $root", tx, ("$root", rootId)).Query(r => r.GetInt64(0)).FirstOrDefault();
        return new ThreadView(root, following, lastRead, CountThreadUnread(connection, tx, rootId, member, lastRead), lastReply);
    }

    private static long CountThreadUnread(SqliteConnection connection, SqliteTransaction? tx, string rootId, string member, long lastRead) =>
        connection.Command(ThreadUnread, tx, ("$root", rootId), ("$cursor", lastRead), ("$u", member)).Query(r => r.GetInt64(0)).First();

    public Task<IReadOnlyList<StoredMessage>> GetThreadRepliesAsync(string rootId, IReadOnlyList<MemberInterval> within, long? afterSequence, long? beforeSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
        var (ranges, parameters) = Ranges(within, "m");
        // Only a "before": the newest page below it, read backwards and put back in order.
        var backwards = afterSequence is null && beforeSequence is not null;
        return Task.FromResult<IReadOnlyList<StoredMessage>>(_db.Read(connection =>
        {
            var replies = connection.Command(
                    $"SELECT {MessageColumns} FROM messages m WHERE m.thread_root = $root AND m.sequence_number > $after AND ($before IS NULL OR m.sequence_number < $before) " +
                    $"AND ({ranges}) ORDER BY m.sequence_number {(backwards ? "DESC" : "ASC")} LIMIT $n",
                    null, [.. parameters, ("$root", rootId), ("$after", afterSequence ?? 0), ("$before", beforeSequence), ("$n", limit)])
                .Query(ReadMessage).ToList();
            if (backwards) replies.Reverse();
            return replies.WithReactions(connection, null);
        }));
    }

    public Task SetFollowingAsync(string rootId, string conversationId, string member, bool following, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx,
                "INSERT INTO thread_members (root_id, username, conversation_id, following) VALUES ($root, $u, $c, $f) " +
                "ON CONFLICT (root_id, username) DO UPDATE SET following = excluded.following",
                ("$root", rootId), ("$u", member), ("$c", conversationId), ("$f", following ? 1 : 0));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<ThreadReadState>> MoveThreadCursorsAsync(IReadOnlyList<ThreadCursorMove> moves, CancellationToken cancellationToken = default) =>
        moves.Count == 0
            ? Task.FromResult<IReadOnlyList<ThreadReadState>>([])
            : _db.WriteAsync<IReadOnlyList<ThreadReadState>>((connection, tx) =>
            {
                var moved = new Dictionary<(string, string), ThreadReadState>();
                foreach (var move in moves)
                {
                    var newest = connection.Command("SELECT last_reply_seq FROM threads WHERE root_id = $root AND conversation_id = $c", tx,
                        ("$root", move.RootId), ("$c", move.ConversationId)).Query(r => r.GetInt64(0)).FirstOrDefault();
                    var upTo = Math.Min(move.UpToSequence, newest);
                    var current = connection.Command("SELECT last_read_seq FROM thread_members WHERE root_id = $root AND username = $u", tx,
                        ("$root", move.RootId), ("$u", move.Username)).Query(r => r.GetInt64(0)).FirstOrDefault();
                    if (upTo <= current) continue;
                    // Reading a thread does not follow it.
                    Execute(connection, tx,
                        "INSERT INTO thread_members (root_id, username, conversation_id, following, last_read_seq) VALUES ($root, $u, $c, 0, $seq) " +
                        "ON CONFLICT (root_id, username) DO UPDATE SET last_read_seq = excluded.last_read_seq",
                        ("$root", move.RootId), ("$u", move.Username), ("$c", move.ConversationId), ("$seq", upTo));
                    moved[(move.RootId, move.Username)] = new ThreadReadState(move.ConversationId, move.RootId, move.Username, upTo,
                        CountThreadUnread(connection, tx, move.RootId, move.Username, upTo));
                }
                return moved.Values.ToList();
            }, cancellationToken);

    public Task<IReadOnlyDictionary<string, ConversationBadges>> BadgesAsync(string member, IReadOnlyList<string> conversationIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, ConversationBadges>>(_db.Read(connection =>
        {
            using var threadUnread = connection.Command(
                "SELECT count(*) FROM thread_members f JOIN messages m ON m.thread_root = f.root_id AND m.sequence_number > f.last_read_seq " +
                "WHERE f.username = $u AND f.conversation_id = $c AND f.following = 1 AND m.sender <> $u " +
                "AND EXISTS (SELECT 1 FROM json_each(m.recipients) WHERE value = $u)", null, ("$u", member), ("$c", ""));
            using var mentions = connection.Command(
                "SELECT count(*) FROM member_mentions n WHERE n.conversation_id = $c AND n.username = $u " +
                "AND n.sequence_number > COALESCE((SELECT last_read_seq FROM member_reads r WHERE r.conversation_id = $c AND r.username = $u), 0)",
                null, ("$u", member), ("$c", ""));
            var badges = new Dictionary<string, ConversationBadges>();
            foreach (var id in conversationIds.Distinct())
            {
                threadUnread.Bind(("$c", id));
                mentions.Bind(("$c", id));
                badges[id] = new ConversationBadges((long)threadUnread.ExecuteScalar()!, (long)mentions.ExecuteScalar()!);
            }
            return badges;
        }));

    /// <summary>An SQL condition that <c>{alias}.sequence_number</c> is within one of the stretches, with its parameters.</summary>
    private static (string Sql, (string, object?)[] Parameters) Ranges(IReadOnlyList<MemberInterval> within, string alias) => (
        string.Join(" OR ", within.Select((_, i) => $"({alias}.sequence_number >= $from{i} AND ($to{i} IS NULL OR {alias}.sequence_number < $to{i}))")),
        within.SelectMany((w, i) => new (string, object?)[] { ($"$from{i}", w.JoinedSeq), ($"$to{i}", w.LeftSeq) }).ToArray());

    private static ThreadSummary? ReadThreadSummary(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ThreadSummary(root.GetProperty("reply_count").GetInt64(),
            DateTimeOffset.Parse(root.GetProperty("last_reply_at").GetString()!, null, System.Globalization.DateTimeStyles.RoundtripKind),
            root.GetProperty("participants").EnumerateArray().Select(p => p.GetString()!).ToList());
    }
}
