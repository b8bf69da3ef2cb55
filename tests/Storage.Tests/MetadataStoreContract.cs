using Chat.Auth;
using Chat.Files;
using Chat.Webhooks;

namespace Chat.Storage.Tests;

/// <summary>What every metadata store must do; one subclass per adapter.</summary>
public abstract class MetadataStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    /// <summary>The adapter's settings (none: SQLite under <see cref="Data"/>).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    private IAccountStore OpenAccounts() => Stores.OpenAccountStore(Data.Path, Settings);
    private IChannelMappingStore OpenMappings() => Stores.OpenChannelMappingStore(Data.Path, Settings);
    private IWebhookRegistrations OpenWebhooks() => Stores.OpenWebhookRegistrations(Data.Path, Settings);
    private IFileRecordStore OpenFiles() => Stores.OpenFileRecordStore(Data.Path, Settings);

    private static User User(string name) => new(name, name, "hash", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Of_20_concurrent_registrations_of_one_name_exactly_one_wins()
    {
        // Separate store instances, as separate processes would have.
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAccounts()).ToList();
        var wins = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => stores[i % 4].TryCreateUserAsync(User("racer")))));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task Usernames_are_unique_regardless_of_case()
    {
        var store = OpenAccounts();
        Assert.True(await store.TryCreateUserAsync(User("zoe")));
        Assert.False(await store.TryCreateUserAsync(User("ZOE")));
        Assert.Equal("zoe", (await store.FindUserAsync("Zoe"))!.Username);
        Assert.Equal(["zoe"], await store.ExistingUsersAsync(["zoe", "nobody"]));
    }

    [Fact]
    public async Task A_refresh_token_is_used_once_even_by_racing_callers_and_families_can_be_revoked()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAccounts()).ToList();
        var token = new RefreshToken("hash-1", "family-1", "alice", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), Used: false);
        await stores[0].StoreRefreshTokenAsync(token);

        var uses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => stores[i % 4].UseRefreshTokenAsync("hash-1"))));
        Assert.Equal(1, uses.Count(u => u));
        Assert.True((await stores[1].FindRefreshTokenAsync("hash-1"))!.Used);
        Assert.Null(await stores[1].FindRefreshTokenAsync("no-such-hash"));

        Assert.False(await stores[2].IsTokenFamilyRevokedAsync("family-1"));
        await stores[2].RevokeTokenFamilyAsync("family-1");
        await stores[2].RevokeTokenFamilyAsync("family-1");
        Assert.True(await stores[3].IsTokenFamilyRevokedAsync("family-1"));
    }

    [Fact]
    public async Task Clients_are_created_once_and_found_by_id()
    {
        var store = OpenAccounts();
        var client = new IntegratorClient("crm", "CRM", "secret-hash", ["messages:send"], ["alice", "bob"], DateTimeOffset.UtcNow);
        Assert.True(await store.TryCreateClientAsync(client));
        Assert.False(await store.TryCreateClientAsync(client with { Name = "Other" }));
        var found = await store.FindClientAsync("crm");
        Assert.Equal(("CRM", "secret-hash"), (found!.Name, found.SecretHash));
        Assert.Equal(["messages:send"], found.Scopes);
        Assert.Equal(["alice", "bob"], found.ActAs);
    }

    [Fact]
    public async Task Channel_mappings_are_set_replaced_listed_and_deleted_per_user()
    {
        var store = OpenMappings();
        await store.SetChannelMappingAsync(new ChannelMapping("alice", "telegram", "111", DateTimeOffset.UtcNow));
        await store.SetChannelMappingAsync(new ChannelMapping("alice", "whatsapp", "+100", DateTimeOffset.UtcNow));
        await store.SetChannelMappingAsync(new ChannelMapping("alice", "telegram", "222", DateTimeOffset.UtcNow));
        await store.SetChannelMappingAsync(new ChannelMapping("bob", "telegram", "333", DateTimeOffset.UtcNow));

        Assert.Equal([("telegram", "222"), ("whatsapp", "+100")], (await store.ChannelMappingsAsync("alice")).Select(m => (m.Channel, m.ExternalId)));
        Assert.True(await store.DeleteChannelMappingAsync("alice", "telegram"));
        Assert.False(await store.DeleteChannelMappingAsync("alice", "telegram"));
        Assert.Equal(["whatsapp"], (await store.ChannelMappingsAsync("alice")).Select(m => m.Channel));
        Assert.Single(await store.ChannelMappingsAsync("bob"));
    }

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
    public async Task A_platform_id_finds_its_user_and_follows_a_changed_mapping()
    {
        var store = OpenMappings();
        await store.SetChannelMappingAsync(new ChannelMapping("erin", "telegram", "999", DateTimeOffset.UtcNow));
        Assert.Equal("erin", await store.FindUserByChannelAsync("telegram", "999"));
        await store.SetChannelMappingAsync(new ChannelMapping("erin", "telegram", "1000", DateTimeOffset.UtcNow));
        Assert.Null(await store.FindUserByChannelAsync("telegram", "999"));
        Assert.Equal("erin", await store.FindUserByChannelAsync("telegram", "1000"));
        await store.DeleteChannelMappingAsync("erin", "telegram");
        Assert.Null(await store.FindUserByChannelAsync("telegram", "1000"));
    }

    [Fact]
    public async Task A_file_keeps_its_record_and_every_concurrent_share()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenFiles()).ToList();
        var file = new FileRecord("f1", "alice", "report.pdf", "application/pdf", 1234, new string('a', 64), "files/f1", FileRecord.Uploading,
            null, DateTimeOffset.UtcNow, null, []);
        await stores[0].PutFileAsync(file);
        await stores[1].PutFileAsync(file with { Status = FileRecord.Completed, CompletedAt = DateTimeOffset.UtcNow });

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => stores[i % 4].ShareFileAsync("f1", $"c{i % 6}"))));
        var found = await stores[2].FindFileAsync("f1");
        Assert.NotNull(found);
        Assert.Equal(FileRecord.Completed, found.Status);
        Assert.Equal(1234, found.Size);
        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "c5"], found.SharedIn);
        Assert.Null(await stores[0].FindFileAsync("f2"));

        Assert.True(await stores[3].DeleteFileAsync("f1"));
        Assert.Null(await stores[0].FindFileAsync("f1"));
        Assert.False(await stores[0].DeleteFileAsync("f1"));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteMetadataStoreTests : MetadataStoreContract;

public sealed class EtcdMetadataStoreTests : MetadataStoreContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Metadata:Kind"] = "etcd", ["Etcd:Endpoints"] = TestServers.Etcd, ["Etcd:Prefix"] = _prefix,
    };
}
