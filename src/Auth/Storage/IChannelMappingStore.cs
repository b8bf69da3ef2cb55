namespace Chat.Auth;

/// <summary>
/// What other services may ask of the channel mappings Auth owns: the Router where to deliver a
/// user's messages on a platform, the connectors who sent an inbound message.
/// </summary>
public interface IChannelDirectory
{
    /// <summary>The user's mappings, by channel.</summary>
    Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Who is <paramref name="externalId"/> on <paramref name="channel"/> (for inbound platform messages).</summary>
    Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default);
}

/// <summary>Who each user is on each external platform: SQLite (<c>auth.db</c>) embedded, etcd distributed.</summary>
public interface IChannelMappingStore : IChannelDirectory
{
    /// <summary>Creates or replaces the user's mapping for that channel.</summary>
    Task SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default);

    /// <summary>False when there was nothing to delete.</summary>
    Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default);
}
