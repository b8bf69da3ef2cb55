using Chat.Auth;

namespace Chat.Auth.Tests;

/// <summary>What every block list must do; one subclass per adapter.</summary>
public abstract class BlockListContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    protected virtual IDictionary<string, string?>? Settings => null;

    private IBlockList? _blocks;

    private IBlockList Blocks => _blocks ??= Stores.OpenBlockList(Data.Path, Settings);

    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_block_is_the_blockers_alone_and_kept_once_with_its_first_time()
    {
        await Blocks.BlockAsync(new Block("bob", "mallory", At));
        var again = await Blocks.BlockAsync(new Block("bob", "mallory", At.AddHours(1)));

        Assert.Equal(At, again.BlockedAt);
        Assert.True(await Blocks.HasBlockedAsync("bob", "mallory"));
        Assert.False(await Blocks.HasBlockedAsync("mallory", "bob"));
        Assert.Equal([new Block("bob", "mallory", At)], await Blocks.ListAsync("bob"));
        Assert.Empty(await Blocks.ListAsync("mallory"));
    }

    [Fact]
    public async Task Unblocking_removes_one_block_and_says_whether_there_was_one()
    {
        await Blocks.BlockAsync(new Block("bob", "mallory", At));
        await Blocks.BlockAsync(new Block("bob", "eve", At));

        Assert.True(await Blocks.UnblockAsync("bob", "mallory"));
        Assert.False(await Blocks.UnblockAsync("bob", "mallory"));
        Assert.Equal(["eve"], (await Blocks.BlockedByAsync("bob")).Order());
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteBlockListTests : BlockListContract;

public sealed class EtcdBlockListTests : BlockListContract
{
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
