using System.Text.Json;
using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Presence.Calls.Storage;

/// <summary>Calls in <c>calls.db</c>; each participant a row of <c>call_participants</c>, for history.</summary>
internal sealed class SqliteCallStore(string path) : ICallStore
{
    private readonly SqliteDatabase _db = new(path, "calls",
        SqliteMigration.Sql(1, "calls and their participants", """
            CREATE TABLE calls (
                seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id         TEXT NOT NULL UNIQUE,
                conversation_id TEXT NOT NULL,
                caller          TEXT NOT NULL,
                media           TEXT NOT NULL,
                state           TEXT NOT NULL,
                outcome         TEXT,
                participants    TEXT NOT NULL,
                joined          TEXT NOT NULL,
                rejected        TEXT NOT NULL,
                started_at      TEXT NOT NULL,
                answered_at     TEXT,
                ended_at        TEXT,
                version         INTEGER NOT NULL
            );
            CREATE INDEX calls_ringing ON calls (state, started_at);
            CREATE TABLE call_participants (call_seq INTEGER NOT NULL, username TEXT NOT NULL, PRIMARY KEY (username, call_seq));
            """));

    private const string Columns = "seq, call_id, conversation_id, caller, media, state, outcome, participants, joined, rejected, started_at, answered_at, ended_at, version";

    public Task<Call> CreateAsync(Call call, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command($"""
                INSERT INTO calls ({Columns[5..]}) VALUES ($id, $c, $caller, $media, $state, $outcome, $p, $j, $r, $started, $answered, $ended, $v) RETURNING seq
                """, tx, Values(call));
            var seq = (long)insert.ExecuteScalar()!;
            using var participant = connection.Command("INSERT INTO call_participants VALUES ($seq, $u)", tx, ("$seq", seq), ("$u", ""));
            foreach (var username in call.Participants)
            {
                participant.Bind(("$u", username));
                participant.ExecuteNonQuery();
            }
            return call with { Sequence = seq };
        }, cancellationToken);

    public Task<Call?> FindAsync(string callId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command($"SELECT {Columns} FROM calls WHERE call_id = $id", null, ("$id", callId)).Query(Read).FirstOrDefault()));

    public Task<bool> UpdateAsync(Call changed, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("""
                UPDATE calls SET state = $state, outcome = $outcome, joined = $j, rejected = $r, answered_at = $answered, ended_at = $ended, version = $v
                WHERE call_id = $id AND version = $v - 1
                """, tx, Values(changed));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<Call>> HistoryAsync(string username, long beforeSequence, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Call>>(_db.Read(connection => connection.Command($"""
            SELECT {Columns} FROM call_participants p JOIN calls ON calls.seq = p.call_seq
            WHERE p.username = $u AND p.call_seq < $before ORDER BY p.call_seq DESC LIMIT $n
            """, null, ("$u", username), ("$before", beforeSequence > 0 ? beforeSequence : long.MaxValue), ("$n", limit)).Query(Read).ToList()));

    public Task<IReadOnlyList<Call>> RingingSinceBeforeAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Call>>(_db.Read(connection => connection.Command(
            $"SELECT {Columns} FROM calls WHERE state = '{Call.Ringing}' AND started_at < $before ORDER BY started_at LIMIT 100", null, ("$before", startedBefore.Iso()))
            .Query(Read).ToList()));

    private static (string, object?)[] Values(Call c) =>
    [
        ("$id", c.CallId), ("$c", c.ConversationId), ("$caller", c.Caller), ("$media", c.Media), ("$state", c.State), ("$outcome", c.Outcome),
        ("$p", JsonSerializer.Serialize(c.Participants)), ("$j", JsonSerializer.Serialize(c.Joined)), ("$r", JsonSerializer.Serialize(c.Rejected)),
        ("$started", c.StartedAt.Iso()), ("$answered", c.AnsweredAt?.Iso()), ("$ended", c.EndedAt?.Iso()), ("$v", c.Version),
    ];

    private static Call Read(SqliteDataReader r) => new(
        r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.StringOrNull(6),
        JsonSerializer.Deserialize<string[]>(r.GetString(7))!, JsonSerializer.Deserialize<string[]>(r.GetString(8))!, JsonSerializer.Deserialize<string[]>(r.GetString(9))!,
        r.Time(10), r.IsDBNull(11) ? null : r.Time(11), r.IsDBNull(12) ? null : r.Time(12), r.GetInt64(13), r.GetInt64(0));
}
