namespace Chat.Webhooks.Tests;

/// <summary>What every webhook delivery log must do; one subclass per adapter.</summary>
public abstract class WebhookDeliveryLogContract : IDisposable
{
    protected readonly TempDirectory Data = new();
    private IWebhookDeliveryLog? _log;

    protected abstract IWebhookDeliveryLog Open();

    private IWebhookDeliveryLog Log => _log ??= Open();

    /// <summary>Times every adapter keeps exactly (MongoDB keeps milliseconds).</summary>
    private static readonly DateTimeOffset T = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static WebhookDelivery Delivery(string id, string webhook = "wh_1", int dueIn = 0, int createdAt = 0, string state = WebhookDelivery.Pending) =>
        new(id, webhook, "msg-" + id, $"{{\"id\":\"{id}\"}}", 0, T.AddSeconds(dueIn), state, T.AddSeconds(createdAt),
            TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    private async Task<IReadOnlyList<string>> DueAsync(string webhook, int at, int limit = 10) =>
        (await Log.DueWebhookDeliveriesAsync(webhook, T.AddSeconds(at), limit)).Select(d => d.DeliveryId).ToList();

    [SkippableFact]
    public async Task An_event_seen_twice_makes_one_delivery()
    {
        var first = Delivery("d1");
        await Log.AddWebhookDeliveriesAsync([first, first with { Body = "{\"again\":1}" }]);
        await Log.AddWebhookDeliveriesAsync([first with { Attempts = 5, State = WebhookDelivery.Failed }, Delivery("d2")]);
        await Log.AddWebhookDeliveriesAsync([]);

        var logged = await Log.WebhookDeliveriesAsync("wh_1", 10);
        Assert.Equal(["d1", "d2"], logged.Select(l => l.Delivery.DeliveryId).Order());
        Assert.Equal(first, logged.Single(l => l.Delivery.DeliveryId == "d1").Delivery);
    }

    [SkippableFact]
    public async Task Due_deliveries_are_one_endpoints_pending_ones_whose_time_has_come_oldest_first()
    {
        await Log.AddWebhookDeliveriesAsync([
            Delivery("later", dueIn: 2), Delivery("sooner", dueIn: 1), Delivery("future", dueIn: 60),
            Delivery("done", state: WebhookDelivery.Succeeded), Delivery("gave-up", state: WebhookDelivery.Failed), Delivery("elsewhere", webhook: "wh_2"),
        ]);

        Assert.Equal(["sooner", "later"], await DueAsync("wh_1", at: 3));
        Assert.Equal(["sooner"], await DueAsync("wh_1", at: 3, limit: 1));
        Assert.Equal(["sooner"], await DueAsync("wh_1", at: 1));
        Assert.Empty(await DueAsync("wh_1", at: 0));
        Assert.Equal(["elsewhere"], await DueAsync("wh_2", at: 3));
        Assert.Equal(Delivery("sooner", dueIn: 1), (await Log.DueWebhookDeliveriesAsync("wh_1", T.AddSeconds(3), 1))[0]);
    }

    [SkippableFact]
    public async Task Each_attempt_is_recorded_with_the_deliverys_new_state()
    {
        var delivery = Delivery("d1");
        await Log.AddWebhookDeliveriesAsync([delivery]);

        var retrying = delivery with { Attempts = 1, NextAttemptAt = T.AddSeconds(30) };
        await Log.RecordWebhookAttemptAsync(retrying, new WebhookAttempt("d1", 1, T, 503, 12.5, "Service Unavailable"));
        Assert.Empty(await DueAsync("wh_1", at: 29));
        Assert.Equal([retrying], await Log.DueWebhookDeliveriesAsync("wh_1", T.AddSeconds(30), 10));

        var succeeded = retrying with { Attempts = 2, State = WebhookDelivery.Succeeded };
        await Log.RecordWebhookAttemptAsync(succeeded, new WebhookAttempt("d1", 2, T.AddSeconds(30), 200, 8, null));
        Assert.Empty(await DueAsync("wh_1", at: 3600));
        var (logged, attempts) = Assert.Single(await Log.WebhookDeliveriesAsync("wh_1", 10));
        Assert.Equal(succeeded, logged);
        Assert.Equal([new WebhookAttempt("d1", 1, T, 503, 12.5, "Service Unavailable"), new WebhookAttempt("d1", 2, T.AddSeconds(30), 200, 8, null)], attempts);
    }

    [SkippableFact]
    public async Task The_log_lists_an_endpoints_deliveries_newest_first_up_to_the_limit()
    {
        await Log.AddWebhookDeliveriesAsync([Delivery("old", createdAt: 0), Delivery("newest", createdAt: 2), Delivery("middle", createdAt: 1), Delivery("other", "wh_2", createdAt: 3)]);

        Assert.Equal(["newest", "middle", "old"], (await Log.WebhookDeliveriesAsync("wh_1", 10)).Select(l => l.Delivery.DeliveryId));
        Assert.Equal(["newest", "middle"], (await Log.WebhookDeliveriesAsync("wh_1", 2)).Select(l => l.Delivery.DeliveryId));
        Assert.All(await Log.WebhookDeliveriesAsync("wh_1", 10), l => Assert.Empty(l.Attempts));
        Assert.Empty(await Log.WebhookDeliveriesAsync("wh_none", 10));
    }

    [SkippableFact]
    public async Task A_retried_delivery_is_pending_again_and_due_now()
    {
        var failed = Delivery("d1", dueIn: 5, state: WebhookDelivery.Failed) with { Attempts = 8 };
        await Log.AddWebhookDeliveriesAsync([failed]);
        Assert.Empty(await DueAsync("wh_1", at: 3600));

        Assert.True(await Log.RetryWebhookDeliveryAsync("wh_1", "d1", T.AddSeconds(100)));
        Assert.Empty(await DueAsync("wh_1", at: 99));
        Assert.Equal([failed with { State = WebhookDelivery.Pending, NextAttemptAt = T.AddSeconds(100) }],
            await Log.DueWebhookDeliveriesAsync("wh_1", T.AddSeconds(100), 10));
        Assert.False(await Log.RetryWebhookDeliveryAsync("wh_1", "no-such-delivery", T));
        Assert.False(await Log.RetryWebhookDeliveryAsync("wh_2", "d1", T)); // another endpoint's id
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteWebhookDeliveryLogTests : WebhookDeliveryLogContract
{
    protected override IWebhookDeliveryLog Open() => Stores.OpenWebhookDeliveryLog(Data.Path);
}

public sealed class MongoWebhookDeliveryLogTests(MongoFixture mongo) : WebhookDeliveryLogContract, IClassFixture<MongoFixture>
{
    protected override IWebhookDeliveryLog Open()
    {
        Skip.If(mongo.ConnectionString is null, TestServers.NoDocker);
        return Stores.OpenWebhookDeliveryLog(Data.Path, mongo.NewDatabase());
    }
}
