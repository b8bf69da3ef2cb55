namespace Chat.Auth.Tests;

/// <summary>What every channel mapping store must do; one subclass per adapter.</summary>
public abstract class ChannelMappingStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    /// <summary>A time every adapter keeps exactly.</summary>
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The adapter's settings (none: SQLite under <see cref="Data"/>).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    private IChannelMappingStore OpenMappings() => Stores.OpenChannelMappingStore(Data.Path, Settings);

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
    public async Task A_mapping_reads_back_whole_and_a_user_without_mappings_has_none()
    {
        var store = OpenMappings();
        var mapping = new ChannelMapping("dora", "instagram", "dora.example", At);
        await store.SetChannelMappingAsync(mapping);

        Assert.Equal([mapping], await store.ChannelMappingsAsync("dora"));
        Assert.Empty(await store.ChannelMappingsAsync("nobody"));
        Assert.False(await store.DeleteChannelMappingAsync("nobody", "instagram"));
        Assert.Null(await store.FindUserByChannelAsync("instagram", "someone.else"));
        Assert.Null(await store.FindUserByChannelAsync("telegram", "dora.example"));
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
    public async Task Setting_the_same_mapping_again_keeps_one_mapping_found_by_its_platform_id()
    {
        var store = OpenMappings();
        await store.SetChannelMappingAsync(new ChannelMapping("jack", "messenger", "psid-1", At));
        await store.SetChannelMappingAsync(new ChannelMapping("jack", "messenger", "psid-1", At.AddMinutes(1)));

        Assert.Equal([new ChannelMapping("jack", "messenger", "psid-1", At.AddMinutes(1))], await store.ChannelMappingsAsync("jack"));
        Assert.Equal("jack", await store.FindUserByChannelAsync("messenger", "psid-1"));
    }

    [Fact]
    public async Task A_platform_id_verified_for_one_user_is_refused_to_another_until_let_go()
    {
        // Issue 14: one verified user per platform id (before, the newest mapping took it).
        var store = OpenMappings();
        Assert.True(await store.SetChannelMappingAsync(new ChannelMapping("fred", "telegram", "555", At)));
        Assert.False(await store.SetChannelMappingAsync(new ChannelMapping("gina", "telegram", "555", At.AddMinutes(1))));
        Assert.False(await store.SetChannelMappingAsync(new ChannelMapping("gina", "telegram", "555", At.AddMinutes(1), Verified: false)));
        Assert.Empty(await store.ChannelMappingsAsync("gina"));
        Assert.Equal("fred", await store.FindUserByChannelAsync("telegram", "555"));
        Assert.True(await store.SetChannelMappingAsync(new ChannelMapping("gina", "whatsapp", "555", At)), "the same id on another channel is another identity");

        Assert.True(await store.SetChannelMappingAsync(new ChannelMapping("fred", "telegram", "556", At.AddMinutes(2))));
        Assert.True(await store.SetChannelMappingAsync(new ChannelMapping("gina", "telegram", "555", At.AddMinutes(3))));
        Assert.Equal("gina", await store.FindUserByChannelAsync("telegram", "555"));
        Assert.Equal("fred", await store.FindUserByChannelAsync("telegram", "556"));
    }

    [Fact]
    public async Task A_pending_mapping_is_listed_but_finds_no_one_until_its_code_verifies_it()
    {
        var store = OpenMappings();
        var pending = new ChannelMapping("kate", "telegram", "777", At, Verified: false);
        Assert.True(await store.SetChannelMappingAsync(pending));
        Assert.True(await store.SetChannelMappingAsync(new ChannelMapping("liam", "telegram", "777", At, Verified: false)), "pending claims do not hold the id");
        Assert.Equal([pending], await store.ChannelMappingsAsync("kate"));
        Assert.Null(await store.FindUserByChannelAsync("telegram", "777"));

        Assert.False(await store.SetProofCodeAsync("nobody", "telegram", "hash", At.AddMinutes(10)));
        Assert.True(await store.SetProofCodeAsync("kate", "telegram", "kate-hash", At.AddMinutes(10)));
        Assert.True(await store.SetProofCodeAsync("liam", "telegram", "liam-hash", At.AddMinutes(10)));
        Assert.Null(await store.VerifyChannelMappingAsync("telegram", "777", "wrong-hash", At.AddMinutes(1)));
        Assert.Null(await store.VerifyChannelMappingAsync("telegram", "778", "kate-hash", At.AddMinutes(1)));
        Assert.Null(await store.VerifyChannelMappingAsync("telegram", "777", "kate-hash", At.AddMinutes(11)));
        Assert.Equal("kate", await store.VerifyChannelMappingAsync("telegram", "777", "kate-hash", At.AddMinutes(1)));

        Assert.Equal("kate", await store.FindUserByChannelAsync("telegram", "777"));
        Assert.True(Assert.Single(await store.ChannelMappingsAsync("kate")).Verified);
        Assert.Null(await store.VerifyChannelMappingAsync("telegram", "777", "kate-hash", At.AddMinutes(2)));
        Assert.Null(await store.VerifyChannelMappingAsync("telegram", "777", "liam-hash", At.AddMinutes(2)));
        Assert.False(Assert.Single(await store.ChannelMappingsAsync("liam")).Verified);
        Assert.False(await store.SetProofCodeAsync("kate", "telegram", "again", At.AddMinutes(10)), "a verified mapping needs no code");
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteChannelMappingStoreTests : ChannelMappingStoreContract;

public sealed class EtcdChannelMappingStoreTests : ChannelMappingStoreContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
