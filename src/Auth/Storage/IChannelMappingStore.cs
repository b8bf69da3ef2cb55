namespace Chat.Auth;

/// <summary>
/// What other services may ask of the channel mappings Auth owns: the Router where to deliver a
/// user's messages on a platform, the connectors who sent an inbound message.
/// </summary>
public interface IChannelDirectory
{
    /// <summary>The user's mappings, by channel, pending ones too (only <see cref="ChannelMapping.Verified"/> ones count).</summary>
    Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Who is <paramref name="externalId"/> on <paramref name="channel"/>, by their verified mapping (for inbound platform messages).</summary>
    Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default);
}

/// <summary>Who each user is on each external platform: SQLite (<c>auth.db</c>) embedded, etcd distributed.</summary>
public interface IChannelMappingStore : IChannelDirectory
{
    /// <summary>
    /// Creates or replaces the user's mapping for that channel (dropping any proof code it had). False,
    /// changing nothing, when another user's verified mapping holds that (channel, external id).
    /// </summary>
    Task<bool> SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default);

    /// <summary>Keeps a proof code (its hash) for the user's pending mapping on that channel; false if they have no pending one there.</summary>
    Task<bool> SetProofCodeAsync(string username, string channel, string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks verified the pending mapping of (<paramref name="channel"/>, <paramref name="externalId"/>)
    /// whose unexpired code has <paramref name="codeHash"/>, using the code up. Its user, or null when
    /// there is no such code or another user's verified mapping holds that platform id by now.
    /// </summary>
    Task<string?> VerifyChannelMappingAsync(string channel, string externalId, string codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>False when there was nothing to delete.</summary>
    Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default);
}
