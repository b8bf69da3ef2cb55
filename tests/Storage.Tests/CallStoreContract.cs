using Chat.Presence.Calls;
using Chat.Presence.Calls.Storage;

namespace Chat.Storage.Tests;

/// <summary>What every call store must do (issue 21); one subclass per adapter.</summary>
public abstract class CallStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    protected virtual IDictionary<string, string?>? Settings => null;

    private ICallStore? _store;

    private ICallStore Store => _store ??= Open();

    /// <summary>A second store on the same data: what another Presence node, or this one restarted, sees.</summary>
    private ICallStore Open() => Stores.OpenCallStore(Data.Path, Settings);

    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Call Ringing(string callId, DateTimeOffset startedAt, params string[] participants) =>
        new(callId, "c_" + callId, participants[0], "audio", Call.Ringing, null, participants, [participants[0]], [], startedAt, null, null);

    /// <summary>Records compare lists by reference: the lists by their items, the rest as the record does.</summary>
    private static void AssertSame(Call expected, Call? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal([expected.Participants, expected.Joined, expected.Rejected], [actual.Participants, actual.Joined, actual.Rejected]);
        Assert.Equal(expected with { Participants = [], Joined = [], Rejected = [] }, actual with { Participants = [], Joined = [], Rejected = [] });
    }

    [Fact]
    public async Task A_call_is_found_changed_on_its_version_only_and_seen_by_another_store_on_the_same_data()
    {
        var created = await Store.CreateAsync(Ringing("k1", At, "alice", "bob"));
        Assert.True(created.Sequence > 0);
        AssertSame(created, await Store.FindAsync("k1"));

        var answered = created with { State = Call.Active, AnsweredAt = At.AddSeconds(5), Joined = ["alice", "bob"], Version = 2 };
        var restarted = Open();
        Assert.True(await restarted.UpdateAsync(answered));
        Assert.False(await Store.UpdateAsync(created with { State = Call.Ended, Outcome = Call.Cancelled, Version = 2 })); // lost the race: version 2 exists

        var ended = answered with { State = Call.Ended, Outcome = Call.Completed, EndedAt = At.AddSeconds(65), Version = 3 };
        Assert.True(await Store.UpdateAsync(ended));
        AssertSame(ended, await restarted.FindAsync("k1"));
        Assert.Equal(TimeSpan.FromMinutes(1), (await Open().FindAsync("k1"))!.Duration);
        Assert.Null(await Store.FindAsync("nope"));
    }

    [Fact]
    public async Task History_is_a_participants_calls_newest_first_in_pages()
    {
        var first = await Store.CreateAsync(Ringing("h1", At, "alice", "bob"));
        var second = await Store.CreateAsync(Ringing("h2", At.AddMinutes(1), "bob", "carol"));
        var third = await Store.CreateAsync(Ringing("h3", At.AddMinutes(2), "carol", "alice", "bob"));
        Assert.True(first.Sequence < second.Sequence && second.Sequence < third.Sequence);

        Assert.Equal(["h3", "h2"], (await Store.HistoryAsync("bob", 0, 2)).Select(c => c.CallId));
        Assert.Equal(["h1"], (await Store.HistoryAsync("bob", second.Sequence, 2)).Select(c => c.CallId));
        Assert.Equal(["h3", "h1"], (await Store.HistoryAsync("alice", 0, 10)).Select(c => c.CallId));
        Assert.Empty(await Store.HistoryAsync("mallory", 0, 10));
    }

    [Fact]
    public async Task Only_calls_still_ringing_since_before_the_cutoff_are_timed_out()
    {
        var old = await Store.CreateAsync(Ringing("r1", At, "alice", "bob"));
        await Store.CreateAsync(Ringing("r2", At.AddMinutes(5), "alice", "bob"));
        var answered = await Store.CreateAsync(Ringing("r3", At, "alice", "bob"));
        Assert.True(await Store.UpdateAsync(answered with { State = Call.Active, AnsweredAt = At.AddSeconds(1), Version = 2 }));

        Assert.Equal(["r1"], (await Open().RingingSinceBeforeAsync(At.AddMinutes(1))).Select(c => c.CallId));
        Assert.True(await Store.UpdateAsync(old with { State = Call.Ended, Outcome = Call.Missed, EndedAt = At.AddMinutes(1), Version = 2 }));
        Assert.Empty(await Store.RingingSinceBeforeAsync(At.AddMinutes(1)));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteCallStoreTests : CallStoreContract;

public sealed class EtcdCallStoreTests : CallStoreContract
{
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
