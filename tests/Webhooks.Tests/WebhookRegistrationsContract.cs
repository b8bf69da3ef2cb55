namespace Chat.Webhooks.Tests;

/// <summary>What every store of webhook registrations must do; one subclass per adapter.</summary>
public abstract class WebhookRegistrationsContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    /// <summary>The adapter's settings (none: SQLite under <see cref="Data"/>).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    private IWebhookRegistrations OpenWebhooks() => Stores.OpenWebhookRegistrations(Data.Path, Settings);

    private static WebhookRegistration Hook(string id) =>
        new(id, "alice", ["alice"], "https://example.com/hook", ["message.status"], "crm", "whsec_x", false, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Webhooks_are_registered_listed_disabled_and_deleted()
    {
        var store = OpenWebhooks();
        var hook = new WebhookRegistration("wh_1", "alice", ["alice"], "https://example.com/hook", ["message.status"], "crm", "whsec_x", false, DateTimeOffset.UtcNow);
        await store.CreateWebhookAsync(hook);
        await store.CreateWebhookAsync(hook with { WebhookId = "wh_2", Owner = "bob", ActAs = ["bob"] });
        Assert.Equal(["wh_1", "wh_2"], (await store.WebhooksAsync()).Select(w => w.WebhookId));

        await store.DisableWebhookAsync("wh_1");
        var first = (await store.WebhooksAsync()).Single(w => w.WebhookId == "wh_1");
        Assert.True(first.Disabled);
        Assert.Equal(("whsec_x", "https://example.com/hook"), (first.Secret, first.Url));
        Assert.True(await store.DeleteWebhookAsync("wh_2"));
        Assert.False(await store.DeleteWebhookAsync("wh_2"));
        Assert.Equal(["wh_1"], (await store.WebhooksAsync()).Select(w => w.WebhookId));
    }

    [Fact]
    public async Task A_registration_reads_back_whole_and_one_with_a_known_id_replaces_it()
    {
        var store = OpenWebhooks();
        var hook = Hook("wh_9") with { ActAs = ["ann", "ben"], Events = ["message.status", "message.read"], Description = null };
        await store.CreateWebhookAsync(Hook("wh_9"));
        await store.CreateWebhookAsync(hook);

        var read = Assert.Single(await store.WebhooksAsync());
        Assert.Equal((hook.WebhookId, hook.Owner, hook.Url, hook.Description, hook.Secret, hook.Disabled, hook.CreatedAt),
            (read.WebhookId, read.Owner, read.Url, read.Description, read.Secret, read.Disabled, read.CreatedAt));
        Assert.Equal(["ann", "ben"], read.ActAs);
        Assert.Equal(["message.status", "message.read"], read.Events);
    }

    [Fact]
    public async Task Disabling_or_deleting_an_unknown_webhook_changes_nothing()
    {
        var store = OpenWebhooks();
        await store.DisableWebhookAsync("wh_none");
        Assert.False(await store.DeleteWebhookAsync("wh_none"));
        Assert.Empty(await store.WebhooksAsync());

        await store.CreateWebhookAsync(Hook("wh_1"));
        await store.DisableWebhookAsync("wh_none");
        var only = Assert.Single(await store.WebhooksAsync());
        Assert.Equal(("wh_1", false), (only.WebhookId, only.Disabled));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteWebhookRegistrationsTests : WebhookRegistrationsContract;

public sealed class EtcdWebhookRegistrationsTests : WebhookRegistrationsContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
