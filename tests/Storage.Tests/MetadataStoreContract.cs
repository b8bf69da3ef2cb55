namespace Chat.Storage.Tests;

/// <summary>What every metadata store must do; one subclass per adapter.</summary>
public abstract class MetadataStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    protected abstract IMetadataStore Open();

    private static User User(string name) => new(name, name, "hash", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Of_20_concurrent_registrations_of_one_name_exactly_one_wins()
    {
        // Separate store instances, as separate processes would have.
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        var wins = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => stores[i % 4].TryCreateUserAsync(User("racer")))));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task Usernames_are_unique_regardless_of_case()
    {
        var store = Open();
        Assert.True(await store.TryCreateUserAsync(User("zoe")));
        Assert.False(await store.TryCreateUserAsync(User("ZOE")));
        Assert.Equal("zoe", (await store.FindUserAsync("Zoe"))!.Username);
        Assert.Equal(["zoe"], await store.ExistingUsersAsync(["zoe", "nobody"]));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteMetadataStoreTests : MetadataStoreContract
{
    protected override IMetadataStore Open() => Stores.OpenMetadataStore(Data.Path);
}

public sealed class EtcdMetadataStoreTests : MetadataStoreContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IMetadataStore Open() => Stores.OpenMetadataStore(Data.Path, new Dictionary<string, string?>
    {
        ["Metadata:Kind"] = "etcd", ["Etcd:Endpoints"] = TestServers.Etcd, ["Etcd:Prefix"] = _prefix,
    });
}
