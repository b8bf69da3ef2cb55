namespace Chat.Connectors.Tests;

/// <summary>What every connector delivery store must do; one subclass per adapter.</summary>
public abstract class ConnectorDeliveryStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();
    private IConnectorDeliveryStore? _store;

    protected abstract IConnectorDeliveryStore Open();

    private IConnectorDeliveryStore Store => _store ??= Open();

    /// <summary>Times every adapter keeps exactly (MongoDB keeps milliseconds).</summary>
    private static readonly DateTimeOffset T = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ScheduledDelivery Scheduled(string id, int dueIn, byte version = 1) => new(id, [version, 0, 0xFF], T.AddSeconds(dueIn));

    private static DeadDelivery Dead(string id, int failedAt, string reason = "HTTP 400 from the platform") =>
        new(id, "msg-" + id, "telegram", "bob", [1, 2, 3], reason, T.AddSeconds(failedAt));

    private async Task<IReadOnlyList<(string Id, DateTimeOffset DueAt, byte Version)>> DueAsync(int at, int limit = 10) =>
        (await Store.DueDeliveriesAsync(T.AddSeconds(at), limit)).Select(d => (d.Id, d.DueAt, d.Delivery[0])).ToList();

    [SkippableFact]
    public async Task Due_deliveries_are_those_whose_time_has_come_soonest_first()
    {
        await Store.ScheduleDeliveryAsync(Scheduled("later", 2));
        await Store.ScheduleDeliveryAsync(Scheduled("sooner", 1));
        await Store.ScheduleDeliveryAsync(Scheduled("future", 60));

        Assert.Equal(["sooner", "later"], (await DueAsync(at: 2)).Select(d => d.Id));
        Assert.Equal(["sooner"], (await DueAsync(at: 2, limit: 1)).Select(d => d.Id));
        Assert.Empty(await DueAsync(at: 0));
        var due = (await Store.DueDeliveriesAsync(T.AddSeconds(1), 10)).Single();
        Assert.Equal(("sooner", T.AddSeconds(1)), (due.Id, due.DueAt));
        Assert.Equal([1, 0, 0xFF], due.Delivery);
    }

    [SkippableFact]
    public async Task A_newer_schedule_replaces_the_entry_and_survives_the_removal_of_the_one_that_was_read()
    {
        await Store.ScheduleDeliveryAsync(Scheduled("d1", 1, version: 1));
        var read = Assert.Single(await DueAsync(at: 1));
        // While the worker tries it, the delivery is scheduled again (a later attempt).
        await Store.ScheduleDeliveryAsync(Scheduled("d1", 5, version: 2));
        Assert.Equal([("d1", T.AddSeconds(5), (byte)2)], await DueAsync(at: 10));

        await Store.RemoveScheduledDeliveryAsync(read.Id, read.DueAt);
        Assert.Equal([("d1", T.AddSeconds(5), (byte)2)], await DueAsync(at: 10));
        await Store.RemoveScheduledDeliveryAsync("d1", T.AddSeconds(5));
        Assert.Empty(await DueAsync(at: 10));
        await Store.RemoveScheduledDeliveryAsync("no-such-delivery", T);
    }

    [SkippableFact]
    public async Task Dead_deliveries_list_newest_first_and_the_same_id_again_replaces_one()
    {
        await Store.AddDeadDeliveryAsync(Dead("old", 0));
        await Store.AddDeadDeliveryAsync(Dead("newest", 2));
        await Store.AddDeadDeliveryAsync(Dead("middle", 1));

        Assert.Equal(["newest", "middle", "old"], (await Store.DeadDeliveriesAsync(10)).Select(d => d.Id));
        Assert.Equal(["newest", "middle"], (await Store.DeadDeliveriesAsync(2)).Select(d => d.Id));

        await Store.AddDeadDeliveryAsync(Dead("old", 3, "failed again after a replay"));
        var all = await Store.DeadDeliveriesAsync(10);
        Assert.Equal(["old", "newest", "middle"], all.Select(d => d.Id));
        Assert.Equal(("failed again after a replay", T.AddSeconds(3)), (all[0].Reason, all[0].FailedAt));
    }

    [SkippableFact]
    public async Task Taking_a_dead_delivery_removes_it_and_returns_it_once()
    {
        var dead = Dead("d1", 0);
        await Store.AddDeadDeliveryAsync(dead);
        await Store.AddDeadDeliveryAsync(Dead("d2", 1));

        var taken = await Store.TakeDeadDeliveryAsync("d1");
        Assert.NotNull(taken);
        Assert.Equal((dead.Id, dead.MessageId, dead.Channel, dead.Recipient, dead.Reason, dead.FailedAt),
            (taken.Id, taken.MessageId, taken.Channel, taken.Recipient, taken.Reason, taken.FailedAt));
        Assert.Equal(dead.Delivery, taken.Delivery);
        Assert.Null(await Store.TakeDeadDeliveryAsync("d1"));
        Assert.Null(await Store.TakeDeadDeliveryAsync("no-such-delivery"));
        Assert.Equal(["d2"], (await Store.DeadDeliveriesAsync(10)).Select(d => d.Id));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteConnectorDeliveryStoreTests : ConnectorDeliveryStoreContract
{
    protected override IConnectorDeliveryStore Open() => Stores.OpenConnectorDeliveryStore(Data.Path);
}

public sealed class MongoConnectorDeliveryStoreTests(MongoFixture mongo) : ConnectorDeliveryStoreContract, IClassFixture<MongoFixture>
{
    protected override IConnectorDeliveryStore Open()
    {
        Skip.If(mongo.ConnectionString is null, TestServers.NoDocker);
        return Stores.OpenConnectorDeliveryStore(Data.Path, mongo.NewDatabase());
    }
}
