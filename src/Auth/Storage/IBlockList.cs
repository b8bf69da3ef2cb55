namespace Chat.Auth;

/// <summary>
/// What other services may ask of the blocks Auth owns (issue 16): the Frontend before a direct
/// conversation or message, Presence before it shows presence or typing. Blocks are the blocker's
/// own data: nothing here tells the blocked user that they are.
/// </summary>
public interface IBlockDirectory
{
    Task<bool> HasBlockedAsync(string blocker, string blocked, CancellationToken cancellationToken = default);

    /// <summary>Everyone <paramref name="blocker"/> has blocked.</summary>
    Task<IReadOnlySet<string>> BlockedByAsync(string blocker, CancellationToken cancellationToken = default);
}

/// <summary>Users' blocks: SQLite (<c>auth.db</c>) embedded, etcd distributed.</summary>
public interface IBlockList : IBlockDirectory
{
    /// <summary>Records the block; an existing one is kept as it was (its time too) and returned.</summary>
    Task<Block> BlockAsync(Block block, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such block.</summary>
    Task<bool> UnblockAsync(string blocker, string blocked, CancellationToken cancellationToken = default);

    /// <summary>The blocker's blocks, by name.</summary>
    Task<IReadOnlyList<Block>> ListAsync(string blocker, CancellationToken cancellationToken = default);
}

public sealed record Block(string Blocker, string Blocked, DateTimeOffset BlockedAt);
