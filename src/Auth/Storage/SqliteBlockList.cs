using Chat.Storage.Sqlite;

namespace Chat.Auth.Storage;

/// <summary>Blocks in <c>auth.db</c>, component <c>blocks</c>.</summary>
internal sealed class SqliteBlockList(string path) : IBlockList
{
    private readonly SqliteDatabase _db = new(path, "blocks", SqliteMigration.Sql(1, "users' blocks", """
        CREATE TABLE IF NOT EXISTS blocks (
            blocker    TEXT NOT NULL,
            blocked    TEXT NOT NULL,
            blocked_at TEXT NOT NULL,
            PRIMARY KEY (blocker, blocked)
        ) WITHOUT ROWID;
        """));

    public Task<Block> BlockAsync(Block block, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using (var insert = connection.Command("INSERT OR IGNORE INTO blocks VALUES ($by, $who, $at)", tx,
                       ("$by", block.Blocker), ("$who", block.Blocked), ("$at", block.BlockedAt.Iso())))
                insert.ExecuteNonQuery();
            return connection.Command("SELECT blocked_at FROM blocks WHERE blocker = $by AND blocked = $who", tx, ("$by", block.Blocker), ("$who", block.Blocked))
                .Query(r => block with { BlockedAt = r.Time(0) }).Single();
        }, cancellationToken);

    public Task<bool> UnblockAsync(string blocker, string blocked, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command("DELETE FROM blocks WHERE blocker = $by AND blocked = $who", tx, ("$by", blocker), ("$who", blocked));
            return delete.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task<IReadOnlyList<Block>> ListAsync(string blocker, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Block>>(_db.Read(connection => connection.Command(
                "SELECT blocked, blocked_at FROM blocks WHERE blocker = $by ORDER BY blocked", null, ("$by", blocker))
            .Query(r => new Block(blocker, r.GetString(0), r.Time(1))).ToList()));

    public Task<bool> HasBlockedAsync(string blocker, string blocked, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command(
            "SELECT 1 FROM blocks WHERE blocker = $by AND blocked = $who", null, ("$by", blocker), ("$who", blocked)).Query(r => true).Any()));

    public async Task<IReadOnlySet<string>> BlockedByAsync(string blocker, CancellationToken cancellationToken = default) =>
        (await ListAsync(blocker, cancellationToken)).Select(b => b.Blocked).ToHashSet();
}
