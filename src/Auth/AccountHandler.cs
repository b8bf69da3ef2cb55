using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Confluent.Kafka;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Auth;

/// <summary>
/// Changing one's password and deleting one's account (docs/api.md, "People"). Both need the
/// current password, and failures count against the login throttle as failed sign-ins do.
/// </summary>
internal sealed class AccountHandler(
    IAccountStore accounts, IChannelMappingStore mappings, IBlockList blocks, PasswordHasher passwords, LoginThrottle throttle, Sessions sessions,
    EventProducer producer, TimeProvider clock, ILogger<AccountHandler> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

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
    /// An admin's reset: the temporary password replaces the old one, every session ends, and the
    /// tokens a sign-in with it gets serve only <c>PUT /v1/users/me/password</c> until it is changed
    /// (<see cref="ChatAuthentication.PasswordChangeClaim"/>, checked by every service).
    /// </summary>
    public async Task<Outcome<bool>> SetTemporaryPasswordAsync(string username, string password, CancellationToken ct)
    {
        if (await accounts.FindUserAsync(username, ct) is not { IsDeleted: false })
            return new Refusal.NotFound("username", $"No user '{username}' exists.");
        var hash = passwords.Hash(password);
        await accounts.UpdateUserAsync(username, user => user with { PasswordHash = hash, MustChangePassword = true }, ct);
        await sessions.EndAllAsync(username, keep: null, ct);
        return true;
    }

    /// <summary>
    /// The account stays as a deleted record, so its name is never registered again and its old
    /// messages keep a sender; its sessions, mappings and blocks go here. What the other services keep
    /// (push devices, E2E keys, webhooks, group memberships) each removes on <see cref="AccountDeleted"/>
    /// from chat.accounts, published first: when the broker cannot take it nothing is deleted (503),
    /// and a deletion that fails after it is retried whole (the services forget idempotently).
    /// </summary>
    public async Task<Outcome<bool>> DeleteAsync(Caller caller, string password, string? address, CancellationToken ct)
    {
        if (caller.Username is not { } me) return ProfilesHandler.NotAUser;
        if (await CheckPasswordAsync(me, password, "password", address, ct) is { } refused) return refused;
        var now = clock.GetUtcNow();
        try
        {
            await producer.ProduceAsync(Topics.Accounts, me, new AccountDeleted { Username = me, DeletedAt = Timestamp.FromDateTimeOffset(now) },
                EventTypes.AccountDeleted, $"account-deleted:{me}:{now.ToUnixTimeMilliseconds()}", ct);
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Deletion of {Username} refused: the broker did not take it ({Reason})", me, e.Error.Reason);
            return new Refusal.Unavailable($"The event log cannot take the deletion right now; nothing was deleted. Retry after {RetryAfter.TotalSeconds:0} seconds.", RetryAfter);
        }
        await accounts.UpdateUserAsync(me, user => user with { DeletedAt = now, DisplayName = user.Username, StatusText = null, AvatarFileId = null }, ct);
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
