using Chat.Shared;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>A user's channel mappings, for callers the <see cref="ChannelsApi.ManagePolicy"/> let through.</summary>
internal sealed class ChannelMappingsHandler(IChannelMappingStore metadata, IUserDirectory users, TimeProvider clock, IOptions<ChannelProofOptions> proof)
{
    public Task<IReadOnlyList<ChannelMapping>> ListAsync(string username, CancellationToken ct) => metadata.ChannelMappingsAsync(username.ToLowerInvariant(), ct);

    /// <summary>
    /// Creates or replaces the mapping; the user must exist and no other user hold that platform id.
    /// <paramref name="verified"/> (an admin or integrator set it) counts at once; otherwise it is pending
    /// until proven, unless it names the id the user has already proven.
    /// </summary>
    public async Task<Outcome<ChannelMapping>> SetAsync(string username, string channel, string externalId, bool verified, CancellationToken ct)
    {
        var name = username.ToLowerInvariant();
        if ((await users.ExistingUsersAsync([name], ct)).Count == 0) return new Refusal.NotFound("username", $"No user '{username}'.");
        var id = externalId.Trim();
        var current = (await metadata.ChannelMappingsAsync(name, ct)).FirstOrDefault(m => m.Channel == channel);
        var mapping = new ChannelMapping(name, channel, id, clock.GetUtcNow(), verified || current is { Verified: true } && current.ExternalId == id);
        if (!await metadata.SetChannelMappingAsync(mapping, ct))
            return new Refusal.Conflict("external_id", $"That {channel} id is another user's.");
        return mapping;
    }

    /// <summary>A one-time code the user sends from the platform to prove their pending mapping.</summary>
    public async Task<Outcome<ChannelProofCodeResponse>> RequestProofAsync(string username, string channel, CancellationToken ct)
    {
        var name = username.ToLowerInvariant();
        var current = (await metadata.ChannelMappingsAsync(name, ct)).FirstOrDefault(m => m.Channel == channel);
        if (current is null) return new Refusal.NotFound("channel", $"'{username}' has no {channel} mapping: PUT it first.");
        if (current.Verified) return new Refusal.Conflict("channel", $"'{username}''s {channel} mapping is verified already.");
        var code = ChannelProof.NewCode();
        var expiresAt = clock.GetUtcNow() + proof.Value.CodeLifetime;
        if (!await metadata.SetProofCodeAsync(name, channel, ChannelProof.Hash(code), expiresAt, ct))
            return new Refusal.Conflict("channel", $"'{username}''s {channel} mapping changed meanwhile; ask again.");
        var link = channel == "telegram" && proof.Value.TelegramBot.Length > 0 ? $"https://t.me/{proof.Value.TelegramBot}?start={code}" : null;
        return new ChannelProofCodeResponse(code, expiresAt, link);
    }

    public async Task<Outcome<bool>> DeleteAsync(string username, string channel, CancellationToken ct) =>
        await metadata.DeleteChannelMappingAsync(username.ToLowerInvariant(), channel, ct)
            ? true
            : new Refusal.NotFound("channel", $"'{username}' has no {channel} mapping.");
}
