using Chat.Frontend.Journal;
using Chat.Shared;

namespace Chat.Storage.Tests;

/// <summary>What every acceptance journal must do (the Frontend's port, embedded mode); one subclass per adapter.</summary>
public abstract class AcceptanceJournalContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    protected abstract IAcceptanceJournal Open();

    protected static JournalEntry Entry(string messageId) => new(messageId, "conversation-" + messageId, [1, 2, 3, (byte)messageId.Length]);

    [Fact]
    public async Task Entries_read_back_in_append_order_with_their_bytes()
    {
        var journal = Open();
        foreach (var id in new[] { "c", "a", "b" }) await journal.AppendAsync(Entry(id));

        var entries = await journal.ReadAllAsync();

        Assert.Equal(["c", "a", "b"], entries.Select(e => e.MessageId));
        Assert.Equal("conversation-a", entries[1].Key);
        Assert.Equal(Entry("a").Event, entries[1].Event);
    }

    [Fact]
    public async Task Concurrent_appends_are_all_durable_once_they_complete()
    {
        var journal = Open();
        var ids = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => journal.AppendAsync(Entry($"m{i}")))));

        Assert.Equal(500, ids.Distinct().Count());
        // Another instance on the same file sees them: they are on disk, not in a buffer.
        var entries = await Open().ReadAllAsync();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"m{i}").Order(), entries.Select(e => e.MessageId).Order());
        Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
    }

    [Fact]
    public async Task A_removed_entry_is_not_read_again()
    {
        var journal = Open();
        var refused = await journal.AppendAsync(Entry("refused"));
        await journal.AppendAsync(Entry("kept"));

        await journal.RemoveAsync(refused);

        Assert.Equal(["kept"], (await journal.ReadAllAsync()).Select(e => e.MessageId));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteAcceptanceJournalTests : AcceptanceJournalContract
{
    protected override IAcceptanceJournal Open() => Stores.OpenAcceptanceJournal(Data.Path);

    [Fact]
    public async Task The_message_store_clears_the_entries_of_what_it_stored_in_the_same_file()
    {
        var journal = Open();
        var store = Stores.OpenMessageStore(Data.Path);
        await store.CreateConversationAsync(new Conversation("c", Conversation.Group, ["alice", "bob"], "t", "alice", DateTimeOffset.UtcNow));
        await store.StoreAsync([Message("duplicate")]);
        foreach (var id in new[] { "stored", "duplicate", "pending" }) await journal.AppendAsync(Entry(id));

        await store.StoreAsync([Message("stored"), Message("duplicate")]);

        Assert.Equal(["pending"], (await journal.ReadAllAsync()).Select(e => e.MessageId));
    }

    private static MessageToStore Message(string id) => new(
        new NewMessage(id, "c", "alice", ["bob"], ["app"], new MessagePayload("text", id, null), DateTimeOffset.UtcNow),
        [new Delivery("bob", "app", MessageStatus.Sent)]);
}
