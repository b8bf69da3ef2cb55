using Chat.Auth;
using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Storage.Tests;

/// <summary>
/// SQLite's versioned migrations seen through the ports: each component's versions are recorded
/// in its file, once, and a store opened again on that file runs none of them again.
/// </summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDirectory _data = new();

    private string FileOf(string name) => Path.Combine(_data.Path, name);

    [Fact]
    public async Task A_store_opened_again_on_its_file_keeps_its_data_and_runs_no_migration_again()
    {
        Assert.True(await Stores.OpenAccountStore(_data.Path).TryCreateUserAsync(new User("ann", "Ann", "hash", DateTimeOffset.UtcNow)));
        var recorded = Rows(FileOf("auth.db"));

        // A metadata.db appearing now would be moved in by migration 2 ("move … from metadata.db") if it ran again.
        Execute(FileOf(StorageExtensions.LegacyMetadataFile), """
            CREATE TABLE users (username TEXT PRIMARY KEY COLLATE NOCASE, display_name TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
            INSERT INTO users VALUES ('ghost', 'Ghost', 'hash', '2026-01-01T00:00:00.0000000Z');
            """);
        var reopened = Stores.OpenAccountStore(_data.Path);

        Assert.NotNull(await reopened.FindUserAsync("ann"));
        Assert.Null(await reopened.FindUserAsync("ghost"));
        Assert.Equal(1L, Scalar(FileOf(StorageExtensions.LegacyMetadataFile), "SELECT count(*) FROM users"));
        Assert.Equal(recorded, Rows(FileOf("auth.db")));
    }

    [Fact]
    public void Each_component_records_its_own_versions_in_its_own_file()
    {
        Stores.OpenMessageStore(_data.Path);
        Stores.OpenAccountStore(_data.Path);
        Stores.OpenChannelMappingStore(_data.Path);
        Stores.OpenBlockList(_data.Path);
        Stores.OpenFileRecordStore(_data.Path);
        Stores.OpenWebhookRegistrations(_data.Path);
        Stores.OpenWebhookDeliveryLog(_data.Path);
        Stores.OpenConnectorDeliveryStore(_data.Path);
        Stores.OpenKeyStore(_data.Path);
        Stores.OpenCallStore(_data.Path);

        Assert.Equal(["messages 1", "messages 2", "messages 3", "messages 4", "messages 5", "messages 6", "messages 7", "messages 8", "messages 9",
                "messages 10", "messages 11", "messages 12", "messages 13", "messages 14", "messages 15"],
            Versions(FileOf(StorageExtensions.MessagesFile)));
        Assert.Equal(["accounts 1", "accounts 2", "accounts 3", "accounts 4", "accounts 5", "accounts 6", "blocks 1", "channel-mappings 1", "channel-mappings 2", "channel-mappings 3"], Versions(FileOf("auth.db")));
        Assert.Equal(["files 1", "files 2"], Versions(FileOf("files.db")));
        Assert.Equal(["webhook-deliveries 1", "webhook-deliveries 2", "webhook-deliveries 3", "webhook-registrations 1", "webhook-registrations 2"], Versions(FileOf("webhooks.db")));
        Assert.Equal(["connectors 1", "connectors 2", "connectors 3"], Versions(FileOf("connectors.db")));
        Assert.Equal(["device-keys 1"], Versions(FileOf("keys.db")));
        Assert.Equal(["calls 1"], Versions(FileOf("calls.db")));
        using var connection = OpenFile(FileOf("auth.db"));
        Assert.Equal([1, 2, 3, 4, 5, 6], SqliteMigrations.AppliedVersions(connection, "accounts").Order());
    }

    [Fact]
    public async Task Migration_5_counts_the_unread_messages_stored_before_it()
    {
        var store = Stores.OpenMessageStore(_data.Path);
        await store.CreateConversationAsync(new Conversation("c", Conversation.Group, ["alice", "bob"], null, "alice", DateTimeOffset.UtcNow));
        foreach (var id in new[] { "1", "2", "3" })
            await store.StoreAsync([new MessageToStore(
                new NewMessage(id, "c", "alice", ["bob"], ["app"], new MessagePayload("text", "text " + id, null), DateTimeOffset.UtcNow),
                [new Delivery("bob", "app", "sent")])]);
        await store.ApplyReceiptsAsync([new Receipt("read", "bob", "app", "c", null, 1, DateTimeOffset.UtcNow)]);
        // The file as the release before migration 5 left it.
        Execute(FileOf(StorageExtensions.MessagesFile),
            "DROP TABLE member_reads; DROP TABLE member_inbox; DROP TABLE conversation_activity; DELETE FROM schema_migrations WHERE component = 'messages' AND version = 5;");

        var reopened = Stores.OpenMessageStore(_data.Path);

        Assert.Equal([new ReadState("c", "bob", 1, 2)], await reopened.UnreadOfAsync("bob"));
        var listed = Assert.Single(await reopened.ListByActivityAsync("bob", null, 10));
        Assert.Equal(("3", "text 3"), (listed.LastMessage!.MessageId, listed.LastMessage.Preview));
    }

    [Fact]
    public async Task Migration_14_gives_each_conversation_stored_before_it_an_epoch_and_keeps_it_when_applied_again()
    {
        var store = Stores.OpenMessageStore(_data.Path);
        await store.CreateConversationAsync(new Conversation("c", Conversation.Group, ["alice", "bob"], null, "alice", DateTimeOffset.UtcNow));
        var file = FileOf(StorageExtensions.MessagesFile);
        // The file as the release before migrations 13 and 14 left it.
        Execute(file, "ALTER TABLE conversations DROP COLUMN epoch; DROP TABLE private_readers; " +
                      "DELETE FROM schema_migrations WHERE component = 'messages' AND version IN (13, 14);");

        var reopened = Stores.OpenMessageStore(_data.Path);
        var epoch = await reopened.EpochOfAsync("c");
        Assert.True(epoch is not null && Epochs.IsWellFormed(epoch), epoch);
        Assert.Empty(await reopened.PrivateReadersAsync(["alice"]));

        Execute(file, "DELETE FROM schema_migrations WHERE component = 'messages' AND version = 14;");
        Assert.Equal(epoch, await Stores.OpenMessageStore(_data.Path).EpochOfAsync("c"));
    }

    [Fact]
    public async Task Migration_8_indexes_the_texts_stored_before_it_once_even_when_applied_again()
    {
        var store = Stores.OpenMessageStore(_data.Path);
        await store.CreateConversationAsync(new Conversation("c", Conversation.Group, ["alice", "bob"], null, "alice", DateTimeOffset.UtcNow));
        foreach (var (id, text) in new[] { ("1", "alpha one"), ("2", "alpha two"), ("3", "beta") })
            await store.StoreAsync([new MessageToStore(
                new NewMessage(id, "c", "alice", ["bob"], ["app"], new MessagePayload("text", text, null), DateTimeOffset.UtcNow),
                [new Delivery("bob", "app", "sent")])]);
        var file = FileOf(StorageExtensions.MessagesFile);
        // The file as the release before migration 8 left it.
        Execute(file, "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_update; DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts; " +
                      "DELETE FROM schema_migrations WHERE component = 'messages' AND version = 8;");

        var reopened = Stores.OpenMessageStore(_data.Path);
        Assert.Equal(["2", "1"], (await reopened.SearchAsync(new MessageQuery("bob", ["alpha"]), null, 10)).Select(h => h.Message.MessageId));

        // Applied again (a crash between applying it and recording it): each text is indexed once.
        Execute(file, "DELETE FROM schema_migrations WHERE component = 'messages' AND version = 8;");
        Stores.OpenMessageStore(_data.Path);
        Assert.Equal(2L, Scalar(file, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'alpha'"));
        Assert.Equal(["1"], (await reopened.SearchAsync(new MessageQuery("bob", ["one"]), null, 10)).Select(h => h.Message.MessageId));
    }

    private static List<string> Versions(string path) =>
        Rows(path).Select(r => $"{r.Component} {r.Version}").ToList();

    /// <summary>Every recorded migration, with its description and when it was applied.</summary>
    private static List<(string Component, long Version, string Description, string AppliedAt)> Rows(string path)
    {
        using var connection = OpenFile(path);
        return connection.Command("SELECT component, version, description, applied_at FROM schema_migrations ORDER BY component, version")
            .Query(r => (r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3))).ToList();
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = OpenFile(path);
        return connection.Command(sql).Query(r => r.GetInt64(0)).Single();
    }

    private static void Execute(string path, string sql)
    {
        using var connection = OpenFile(path);
        SqliteDatabase.Execute(connection, sql);
    }

    private static SqliteConnection OpenFile(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    public void Dispose() => _data.Dispose();
}
