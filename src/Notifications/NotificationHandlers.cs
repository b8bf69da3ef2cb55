using System.Security.Claims;
using Chat.Notifications.Storage;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Notifications;

/// <summary>A user's own devices, each tied to the session that registered it; anyone else's are not found.</summary>
internal sealed class DevicesHandler(INotificationStore store, TimeProvider clock)
{
    public async Task<Outcome<Device>> PutAsync(ClaimsPrincipal user, string deviceId, PutDeviceRequest body, CancellationToken ct)
    {
        if (UserSession(user) is not ({ } username, { } session)) return NoSession;
        var existing = (await store.DevicesAsync(username, ct)).FirstOrDefault(d => d.DeviceId == deviceId);
        var device = body.Platform == Device.WebPush
            ? new Device(username, deviceId, session, Device.WebPush, body.Subscription!.Endpoint, body.Subscription.Keys!.P256dh, body.Subscription.Keys.Auth, null,
                existing?.CreatedAt ?? clock.GetUtcNow())
            : new Device(username, deviceId, session, Device.Fcm, null, null, null, body.Token, existing?.CreatedAt ?? clock.GetUtcNow());
        await store.PutDeviceAsync(device, ct);
        return device;
    }

    public async Task<Outcome<IReadOnlyList<Device>>> ListAsync(ClaimsPrincipal user, CancellationToken ct) =>
        UserSession(user) is ({ } username, _) ? Outcome.Done(await store.DevicesAsync(username, ct)) : NoSession;

    public async Task<Outcome<bool>> DeleteAsync(ClaimsPrincipal user, string deviceId, CancellationToken ct)
    {
        if (UserSession(user) is not ({ } username, _)) return NoSession;
        return await store.DeleteDeviceAsync(username, deviceId, ct) ? true : new Refusal.NotFound("device_id", $"No device '{deviceId}' of yours.");
    }

    /// <summary>A signed-in user and their session; an integrator client's token (or one minted before sessions were named) has none.</summary>
    internal static (string Username, string Session)? UserSession(ClaimsPrincipal user)
    {
        var caller = user.Caller();
        return !caller.IsClient && NotificationsApi.SessionOf(user) is { } session ? (caller.Subject, session) : null;
    }

    internal static readonly Refusal NoSession =
        new Refusal.Forbidden("authorization", "Devices and notification settings belong to a signed-in user's session; sign in (again) as a user.");
}

/// <summary>Mutes and the previews switch of the signed-in user.</summary>
internal sealed class PreferencesHandler(INotificationStore store, IMessageStore conversations, TimeProvider clock)
{
    public async Task<Outcome<Mute>> MuteAsync(ClaimsPrincipal user, string conversationId, DateTimeOffset? until, CancellationToken ct)
    {
        if (DevicesHandler.UserSession(user) is not ({ } username, _)) return DevicesHandler.NoSession;
        // Only one's own conversations: others (and ids no conversation has) are not found, as everywhere.
        if (await conversations.FindConversationAsync(conversationId, ct) is not { } conversation || !conversation.HasMember(username))
            return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}' of yours.");
        if (until is { } end && end <= clock.GetUtcNow()) return Invalid("until", "Must be in the future (leave it out to mute for ever).");
        var mute = new Mute(username, conversationId, until?.ToUniversalTime());
        await store.MuteAsync(mute, ct);
        return mute;
    }

    public async Task<Outcome<bool>> UnmuteAsync(ClaimsPrincipal user, string conversationId, CancellationToken ct)
    {
        if (DevicesHandler.UserSession(user) is not ({ } username, _)) return DevicesHandler.NoSession;
        return await store.UnmuteAsync(username, conversationId, ct) ? true : new Refusal.NotFound("conversation_id", $"Conversation '{conversationId}' is not muted.");
    }

    public async Task<Outcome<bool>> PreviewsAsync(ClaimsPrincipal user, CancellationToken ct) =>
        DevicesHandler.UserSession(user) is ({ } username, _) ? await store.PreviewsAsync(username, ct) : DevicesHandler.NoSession;

    public async Task<Outcome<bool>> SetPreviewsAsync(ClaimsPrincipal user, bool previews, CancellationToken ct)
    {
        if (DevicesHandler.UserSession(user) is not ({ } username, _)) return DevicesHandler.NoSession;
        await store.SetPreviewsAsync(username, previews, ct);
        return previews;
    }

    private static Refusal Invalid(string field, string detail) => new Refusal.Invalid(new ValidationErrors().Add(field, detail));
}
