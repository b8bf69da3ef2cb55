using Chat.Shared;

namespace Chat.Auth;

/// <summary>A user's channel mappings, for callers the <see cref="ChannelsApi.ManagePolicy"/> let through.</summary>
internal sealed class ChannelMappingsHandler(IChannelMappingStore metadata, IUserDirectory users, TimeProvider clock)
{
    public Task<IReadOnlyList<ChannelMapping>> ListAsync(string username, CancellationToken ct) => metadata.ChannelMappingsAsync(username.ToLowerInvariant(), ct);

    /// <summary>Creates or replaces the mapping; the user must exist.</summary>
    public async Task<Outcome<ChannelMapping>> SetAsync(string username, string channel, string externalId, CancellationToken ct)
    {
        var name = username.ToLowerInvariant();
        if ((await users.ExistingUsersAsync([name], ct)).Count == 0) return new Refusal.NotFound("username", $"No user '{username}'.");
        var mapping = new ChannelMapping(name, channel, externalId.Trim(), clock.GetUtcNow());
        await metadata.SetChannelMappingAsync(mapping, ct);
        return mapping;
    }

    public async Task<Outcome<bool>> DeleteAsync(string username, string channel, CancellationToken ct) =>
        await metadata.DeleteChannelMappingAsync(username.ToLowerInvariant(), channel, ct)
            ? true
            : new Refusal.NotFound("channel", $"'{username}' has no {channel} mapping.");
}
