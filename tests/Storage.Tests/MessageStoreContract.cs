using Chat.Shared;
using Chat.Storage;

namespace Chat.Storage.Tests;

/// <summary>What every message store must do; one subclass per adapter (the outbox, receipts and reads in MessageStoreContract.Statuses.cs).</summary>
public abstract partial class MessageStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();
    private IMessageStore? _store;

    protected abstract IMessageStore Open();

    private IMessageStore Store => _store ??= Open();

    /// <summary>A time every adapter keeps exactly (MongoDB keeps milliseconds).</summary>
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private async Task<string> GroupAsync(string id)
    {
        await Store.CreateConversationAsync(new Conversation(id, Conversation.Group, ["alice", "bob", "carol"], "t", "alice", DateTimeOffset.UtcNow));
        return id;
    }

    private static MessageToStore Message(string id, string conversation) => new(
        new NewMessage(id, conversation, "alice", ["bob"], ["app"], new MessagePayload("text", id, null), DateTimeOffset.UtcNow),
        [new Delivery("bob", "app", MessageStatus.Sent)]);

    [SkippableFact]
    public async Task Sequence_numbers_increase_per_conversation_and_are_never_shared()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        var results = await Store.StoreAsync([Message("1", a), Message("2", b), Message("3", a)]);
        results = [.. results, .. await Store.StoreAsync([Message("4", a), Message("5", b)])];

        Assert.Equal([1L, 1L, 2L, 3L, 2L], results.Select(r => r.SequenceNumber));
        Assert.Equal(["1", "3", "4"], (await Store.GetMessagesAsync(a, 0, 10)).Select(m => m.MessageId));
        Assert.Equal(["4"], (await Store.GetMessagesAsync(a, 2, 10)).Select(m => m.MessageId));
    }

    [SkippableFact]
    public async Task A_message_id_stored_before_is_a_duplicate_and_changes_nothing()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([Message("x", a)]);
        var again = await Store.StoreAsync([Message("x", a), Message("x", a)]);

        Assert.All(again, r => Assert.Equal((StoreOutcome.Duplicate, 1L), (r.Outcome, r.SequenceNumber)));
        Assert.Single(await Store.GetMessagesAsync(a, 0, 10));
        Assert.Equal(2, (await Store.GetStatusAsync("x"))!.History.Count);
    }

    [SkippableFact]
    public async Task A_taken_message_id_from_another_sender_conversation_or_payload_is_a_clash_stored_nowhere_but_failed_for_its_sender()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        await Store.StoreAsync([Message("taken", a)]);
        var first = (await Store.StoreAsync([Message("taken", a)]))[0];
        MessageToStore Other(string conversation, string from, string text) => new(
            new NewMessage("taken", conversation, from, ["bob"], ["app"], new MessagePayload("text", text, null), DateTimeOffset.UtcNow),
            [new Delivery("bob", "app", MessageStatus.Sent)]);
        var results = await Store.StoreAsync([Other(b, "carol", "mine"), Other(a, "carol", "taken"), Other(a, "alice", "other text")]);

        Assert.Equal(StoreOutcome.Duplicate, first.Outcome);
        Assert.All(results, r => Assert.Equal(StoreOutcome.Clash, r.Outcome));
        // Each clash's failed delivery names its own conversation and sender, and waits in the outbox.
        var refused = results[0].Changes!.Single();
        Assert.Equal(("taken", b, "carol", "bob", "app", "failed", true), (refused.MessageId, refused.ConversationId, refused.From, refused.Recipient, refused.Channel, refused.Status, refused.Refused));
        Assert.Contains("taken", refused.Detail);
        Assert.Contains(await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 100), c => c.Id == refused.Id && c is { ConversationId: "b", From: "carol", Refused: true });
        // The first message is unchanged: one message, its own history only.
        Assert.Empty(await Store.GetMessagesAsync(b, 0, 10));
        var view = (await Store.GetStatusAsync("taken"))!;
        Assert.Equal(("alice", a, "taken"), (view.Message.From, view.Message.ConversationId, view.Message.Payload.Text));
        Assert.Equal(2, view.History.Count);
        Assert.DoesNotContain(view.History, h => h.Refused);
        // The same clash again (a replayed record) records nothing new.
        Assert.Empty(Assert.Single(await Store.StoreAsync([Other(b, "carol", "mine")])).Changes!);
    }

    [SkippableFact]
    public async Task A_message_for_an_unknown_conversation_is_reported_not_stored()
    {
        var result = Assert.Single(await Store.StoreAsync([Message("orphan", "nowhere")]));
        Assert.Equal(StoreOutcome.UnknownConversation, result.Outcome);
        Assert.Null(await Store.GetStatusAsync("orphan"));
    }

    [SkippableFact]
    public async Task Status_changes_wait_in_the_outbox_until_marked_published()
    {
        var a = await GroupAsync("a");
        var stored = Assert.Single(await Store.StoreAsync([Message("m", a)]));
        var pending = await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10);
        var change = Assert.Single(pending);
        Assert.Equal([change], stored.Changes!);
        Assert.Equal(("m", "sent", "bob", "app", 1L), (change.MessageId, change.Status, change.Recipient, change.Channel, change.SequenceNumber));

        await Store.MarkPublishedAsync([change.Id]);
        Assert.Empty(await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10));
        var view = await Store.GetStatusAsync("m");
        Assert.Equal(["accepted", "sent"], view!.History.Select(h => h.Status));
        Assert.Equal("sent", view.Status);
    }

    [SkippableFact]
    public async Task A_direct_conversation_is_created_once_whichever_member_asks()
    {
        var (first, created) = await Store.CreateConversationAsync(new Conversation("d1", Conversation.Direct, ["alice", "bob"], null, "alice", DateTimeOffset.UtcNow));
        var (second, createdAgain) = await Store.CreateConversationAsync(new Conversation("d2", Conversation.Direct, ["bob", "alice"], null, "bob", DateTimeOffset.UtcNow));

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.ConversationId, second.ConversationId);
    }

    [SkippableFact]
    public async Task Conversations_list_newest_first_after_a_cursor()
    {
        foreach (var id in new[] { "c1", "c2", "c3" }) await GroupAsync(id);
        Assert.Equal(["c3", "c2"], (await Store.ListConversationsAsync("bob", null, 2)).Select(c => c.ConversationId));
        Assert.Equal(["c1"], (await Store.ListConversationsAsync("bob", "c2", 2)).Select(c => c.ConversationId));
        Assert.Empty(await Store.ListConversationsAsync("dave", null, 2));
    }

    [SkippableFact]
    public async Task Receipts_move_statuses_only_forward_and_read_covers_everything_up_to_it()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([Message("1", a), Message("2", a), Message("3", a)]);
        var at = DateTimeOffset.UtcNow;

        var delivered = await Store.ApplyReceiptsAsync([new Receipt("delivered", "bob", "app", a, "1", null, at)]);
        var read = await Store.ApplyReceiptsAsync([new Receipt("read", "bob", "app", a, null, 2, at)]);
        var late = await Store.ApplyReceiptsAsync([new Receipt("delivered", "bob", "app", a, "1", null, at), new Receipt("delivered", "carol", "app", a, "3", null, at)]);

        Assert.Equal([("1", "delivered")], delivered.Select(c => (c.MessageId, c.Status)));
        Assert.Equal([("1", "read"), ("2", "read")], read.Select(c => (c.MessageId, c.Status)));
        Assert.Empty(late);
        Assert.Equal(["accepted", "sent", "delivered", "read"], (await Store.GetStatusAsync("1"))!.History.Select(h => h.Status));
        Assert.Equal("sent", (await Store.GetStatusAsync("3"))!.Status);
        Assert.Equal(["3"], (await Store.PendingForAsync("bob", "app", 10)).Select(m => m.MessageId));
    }

    [SkippableFact]
    public async Task Peers_are_everyone_sharing_a_conversation()
    {
        await GroupAsync("a");
        await Store.CreateConversationAsync(new Conversation("d", Conversation.Direct, ["alice", "dave"], null, "alice", DateTimeOffset.UtcNow));
        Assert.Equal(["bob", "carol", "dave"], (await Store.PeersOfAsync("alice")).Order());
        Assert.Equal(["alice"], await Store.PeersOfAsync("dave"));
    }

    [SkippableFact]
    public async Task A_conversation_is_found_as_created_and_groups_of_the_same_members_stay_apart()
    {
        var draft = new Conversation("g1", Conversation.Group, ["carol", "alice", "bob"], "Team", "carol", At);
        var (_, created) = await Store.CreateConversationAsync(draft);
        var (_, createdToo) = await Store.CreateConversationAsync(draft with { ConversationId = "g2", Title = null });

        Assert.True(created && createdToo);
        var found = await Store.FindConversationAsync("g1");
        Assert.NotNull(found);
        Assert.Equal((Conversation.Group, "Team", "carol", At), (found.Type, found.Title, found.CreatedBy, found.CreatedAt));
        Assert.Equal(["carol", "alice", "bob"], found.Members);
        Assert.Null((await Store.FindConversationAsync("g2"))!.Title);
        Assert.Null(await Store.FindConversationAsync("nowhere"));
    }

    [SkippableFact]
    public async Task Conversations_read_together_are_those_found_one_by_one()
    {
        var draft = new Conversation("t1", Conversation.Group, ["carol", "alice", "bob"], "Team", "carol", At);
        await Store.CreateConversationAsync(draft);
        await Store.CreateConversationAsync(new Conversation("t2", Conversation.Direct, ["dave", "alice"], null, "dave", At));

        var found = await Store.FindConversationsAsync(["t1", "t2", "nowhere"]);

        Assert.Equal(["t1", "t2"], found.Keys.Order());
        foreach (var id in found.Keys)
        {
            var alone = (await Store.FindConversationAsync(id))!;
            Assert.Equal((alone.Type, alone.Title, alone.CreatedBy, alone.CreatedAt), (found[id].Type, found[id].Title, found[id].CreatedBy, found[id].CreatedAt));
            Assert.Equal(alone.Members, found[id].Members);
        }
        Assert.Empty(await Store.FindConversationsAsync([]));
    }

    [SkippableFact]
    public async Task A_stored_message_reads_back_as_it_was_sent()
    {
        var a = await GroupAsync("a");
        var file = new MessagePayload("file", "the notes", "f1", new FileSummary("notes.pdf", "application/pdf", 1234, new string('c', 64)));
        var sent = new NewMessage("m", a, "alice", ["bob", "carol"], ["app", "telegram"], file, At);
        var stored = Assert.Single(await Store.StoreAsync([new MessageToStore(sent, [new Delivery("bob", "app", MessageStatus.Sent)])]));

        var read = Assert.Single(await Store.GetMessagesAsync(a, 0, 10));
        Assert.Equal(("m", a, 1L, "alice", At), (read.MessageId, read.ConversationId, read.SequenceNumber, read.From, read.AcceptedAt));
        Assert.Equal(["bob", "carol"], read.To);
        Assert.Equal(["app", "telegram"], read.Channels);
        Assert.Equal(file, read.Payload);
        // Milliseconds: what every adapter keeps of a time.
        Assert.Equal(stored.StoredAt.ToUnixTimeMilliseconds(), read.SentAt.ToUnixTimeMilliseconds());
    }

    [SkippableFact]
    public async Task Messages_are_read_in_pages_after_a_sequence_number()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        await Store.StoreAsync([.. Enumerable.Range(1, 5).Select(i => Message($"a{i}", a)), Message("b1", b)]);

        Assert.Equal(["a2", "a3"], (await Store.GetMessagesAsync(a, 1, 2)).Select(m => m.MessageId));
        Assert.Equal(["a5"], (await Store.GetMessagesAsync(a, 4, 2)).Select(m => m.MessageId));
        Assert.Empty(await Store.GetMessagesAsync(a, 5, 2));
        Assert.Empty(await Store.GetMessagesAsync("nowhere", 0, 2));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteMessageStoreTests : MessageStoreContract
{
    protected override IMessageStore Open() => Stores.OpenMessageStore(Data.Path);

    protected override Task SetTextAsync(string messageId, string? text)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Data.Path, StorageExtensions.MessagesFile)};Pooling=False");
        connection.Open();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE messages SET text = $text WHERE message_id = $id";
        update.Parameters.AddWithValue("$text", (object?)text ?? DBNull.Value);
        update.Parameters.AddWithValue("$id", messageId);
        Assert.Equal(1, update.ExecuteNonQuery());
        return Task.CompletedTask;
    }
}

public sealed class MongoMessageStoreTests(MongoFixture mongo) : MessageStoreContract, IClassFixture<MongoFixture>
{
    private Dictionary<string, string?>? _settings;

    protected override IMessageStore Open()
    {
        Skip.If(mongo.ConnectionString is null, TestServers.NoDocker);
        return Stores.OpenMessageStore(Data.Path, _settings = mongo.NewDatabase());
    }

    protected override bool LastWordIsAPrefix => false;

    // Each message is several round trips in a transaction: a fifth of the corpus keeps the test near 20 s.
    protected override int SearchCorpusSize => 2_000;

    protected override async Task SetTextAsync(string messageId, string? text)
    {
        var messages = new MongoDB.Driver.MongoClient(mongo.ConnectionString).GetDatabase(_settings!["Mongo:Database"])
            .GetCollection<MongoDB.Bson.BsonDocument>("messages");
        var update = text is null
            ? MongoDB.Driver.Builders<MongoDB.Bson.BsonDocument>.Update.Unset("payload.text")
            : MongoDB.Driver.Builders<MongoDB.Bson.BsonDocument>.Update.Set("payload.text", text);
        var result = await messages.UpdateOneAsync(MongoDB.Driver.Builders<MongoDB.Bson.BsonDocument>.Filter.Eq("_id", messageId), update);
        Assert.Equal(1, result.MatchedCount);
    }
}
