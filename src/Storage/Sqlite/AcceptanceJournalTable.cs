using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

/// <summary>
/// The Frontend's acceptance journal (embedded mode: accepted events not yet stored) lives in
/// <c>messages.db</c> beside the messages, so the store removes a message's entry in the same
/// commit that stores it: an entry never outlives its stored message, and no second fsync is paid.
/// The Frontend's adapter owns the table and its migration; a file without it has nothing to clear.
/// </summary>
public static class AcceptanceJournalTable
{
    public const string Name = "acceptance_journal";

    internal static void Clear(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<string> messageIds)
    {
        var exists = connection.Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $n", transaction, ("$n", Name))
            .Query(r => r.GetInt64(0)).Any();
        if (!exists) return;
        using var delete = connection.Command($"DELETE FROM {Name} WHERE message_id = $id", transaction, ("$id", ""));
        foreach (var id in messageIds)
        {
            delete.Parameters["$id"].Value = id;
            delete.ExecuteNonQuery();
        }
    }
}
