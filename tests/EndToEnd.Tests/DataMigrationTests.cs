using System.Net;
using Microsoft.Data.Sqlite;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// A data directory written before each service owned its data (tests/Fixtures/datadir-v0: every
/// service's tables in metadata.db and messages.db) opens with the current code: the migrations
/// move each table to its owner's file, and users, messages and webhooks read back as they were.
/// </summary>
public sealed class DataMigrationTests
{
    private const string Password = "Tr0ub4dor-staple-42";
    private const string ConversationId = "01a2331e-22df-73ee-8dd0-4472d216f18c";
    private static readonly string Fixture = Path.Combine(RepositoryRoot.Path, "tests", "Fixtures", "datadir-v0");

    [Fact]
    public async Task A_data_dir_of_the_previous_layout_opens_with_its_users_messages_and_webhooks()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Admins:0"] = "admin" }, dataFrom: Fixture);

        // Users: the old password still signs alice in (her row moved from metadata.db to auth.db).
        var alice = await server.Client().SignInAsync("alice", Password);
        var history = await alice.HistoryAsync(ConversationId);
        Assert.Equal(["legacy-1", "legacy-2", "legacy-3"], history.Select(m => m["message_id"]!.GetValue<string>()));
        Assert.Equal(["hello 1", "hello 2", "hello 3"], history.Select(m => m["payload"]!["text"]!.GetValue<string>()));
        Assert.Equal([1L, 2L, 3L], history.Select(m => m["sequence_number"]!.GetValue<long>()));

        // Webhooks: the registration moved from metadata.db to webhooks.db.
        var admin = await server.Client().SignInAsync("admin", Password);
        var webhooks = (await admin.GetJsonAsync("/v1/webhooks"))["items"]!.AsArray();
        var legacy = Assert.Single(webhooks);
        Assert.Equal(("wh_341ea08f2e3f4d169ab0", "legacy"), (legacy!["webhook_id"]!.GetValue<string>(), legacy["description"]!.GetValue<string>()));

        // And a new message is numbered after the old ones.
        var id = await alice.SendTextAsync(ConversationId, "hello 4", ["bob"]);
        var after = await Eventually.UntilAsync(() => alice.HistoryAsync(ConversationId), h => h.Count == 4, TimeSpan.FromSeconds(15), "the new message stored");
        Assert.Equal(4L, after.Single(m => m["message_id"]!.GetValue<string>() == id)["sequence_number"]!.GetValue<long>());

        // Each table has one owner now: the old shared file keeps none of them.
        Assert.Empty(Tables(Path.Combine(server.DataDir, "metadata.db")).Intersect(["users", "clients", "channel_mappings", "webhooks", "files"]));
        Assert.Contains("users", Tables(Path.Combine(server.DataDir, "auth.db")));
        Assert.DoesNotContain("webhook_deliveries", Tables(Path.Combine(server.DataDir, "messages.db")));
    }

    private static IReadOnlyList<string> Tables(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
