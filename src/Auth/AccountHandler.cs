using Chat.Shared;
using Chat.Shared.Http;

namespace Chat.Auth;

/// <summary>
/// Changing one's password and deleting one's account (docs/api.md, "People"). Both need the
/// current password, and failures count against the login throttle as failed sign-ins do.
/// </summary>
internal sealed class AccountHandler(
    IAccountStore accounts, IChannelMappingStore mappings, IBlockList blocks, PasswordHasher passwords, LoginThrottle throttle, Sessions sessions, TimeProvider clock)
{
    /// <summary>Every other session ends: whoever else knew the old password is out.</summary>
    public async Task<Outcome<bool>> ChangePasswordAsync(Caller caller, string? sessionId, string currentPassword, string newPassword, string? address, CancellationToken ct)
    {
        if (caller.Username is not { } me) return ProfilesHandler.NotAUser;
        if (await CheckPasswordAsync(me, currentPassword, "current_password", address, ct) is { } refused) return refused;
        var hash = passwords.Hash(newPassword);
        await accounts.UpdateUserAsync(me, user => user with { PasswordHash = hash, MustChangePassword = false }, ct);
        await sessions.EndAllAsync(me, keep: sessionId, ct);
        return true;
    }

    /// <summary>
    /// The account stays as a deleted record, so its name is never registered again and its old
    /// messages keep a sender; its sessions (and with them its push devices), mappings and blocks go.
    /// </summary>
    public async Task<Outcome<bool>> DeleteAsync(Caller caller, string password, string? address, CancellationToken ct)
    {
        if (caller.Username is not { } me) return ProfilesHandler.NotAUser;
        if (await CheckPasswordAsync(me, password, "password", address, ct) is { } refused) return refused;
        await accounts.UpdateUserAsync(me, user => user with { DeletedAt = clock.GetUtcNow(), DisplayName = user.Username, StatusText = null, AvatarFileId = null }, ct);
        await sessions.EndAllAsync(me, keep: null, ct);
        foreach (var mapping in await mappings.ChannelMappingsAsync(me, ct)) await mappings.DeleteChannelMappingAsync(me, mapping.Channel, ct);
        foreach (var block in await blocks.ListAsync(me, ct)) await blocks.UnblockAsync(me, block.Blocked, ct);
        return true;
    }

    private async Task<Refusal?> CheckPasswordAsync(string username, string password, string field, string? address, CancellationToken ct)
    {
        if (throttle.RetryAfter(username, address) is { } wait)
            return new Refusal.Throttled($"Too many wrong passwords for this username or from this address; try again in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
        var user = await accounts.FindUserAsync(username, ct);
        if (user is { IsDeleted: false } && passwords.Verify(password, user.PasswordHash)) return null;
        throttle.Failed(username, address);
        return new Refusal.Forbidden(field, "The password is wrong.");
    }
}
