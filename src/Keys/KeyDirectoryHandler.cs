using Chat.Auth;
using Chat.Keys.Storage;
using Chat.Presence;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Shared.RateLimits;
using Microsoft.Extensions.Options;

namespace Chat.Keys;

/// <summary>
/// The key directory's use cases. Devices are a user's own (anyone else's is not found); their public
/// keys are anyone's to read, and a claim takes each one-time prekey at most once.
/// </summary>
internal sealed class KeyDirectoryHandler(
    IKeyStore store, IUserDirectory users, IRateLimiter limiter, LivePush live, IOptions<KeysOptions> options, IOptions<LimitsOptions> limits, TimeProvider clock)
{
    private static readonly Refusal UsersOnly = new Refusal.Forbidden("Authorization", "Keys belong to users' devices; an integrator client has none.");

    /// <summary>A new signed prekey (another key id) rotates: the one before is kept for <see cref="KeysOptions.SignedPrekeyGrace"/>.</summary>
    public async Task<Outcome<DeviceKeys>> PublishAsync(Caller caller, string deviceId, PutDeviceKeysRequest body, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        var now = clock.GetUtcNow();
        var existing = await store.FindDeviceAsync(caller.Subject, deviceId, ct);
        var prekey = new SignedPrekey(body.SignedPrekey!.KeyId!.Value, body.SignedPrekey.PublicKey!, body.SignedPrekey.Signature!);
        var (previous, until) = existing switch
        {
            null => (null, null),
            _ when existing.IdentityKey != body.IdentityKey => (null, null), // a new identity: nothing of the old one stays
            _ when existing.SignedPrekey.KeyId != prekey.KeyId => (existing.SignedPrekey, now + options.Value.SignedPrekeyGrace),
            _ => (existing.PreviousSignedPrekey, existing.PreviousUntil),
        };
        var device = new DeviceKeys(caller.Subject, deviceId, body.IdentityKey!, body.SigningKey!, prekey, previous, (DateTimeOffset?)until,
            existing?.IdentityKey == body.IdentityKey ? existing!.CreatedAt : now, now);
        await store.PutDeviceAsync(device, ct);
        return device;
    }

    public async Task<Outcome<PrekeyCount>> AddPrekeysAsync(Caller caller, string deviceId, OneTimePrekeysRequest body, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        if (await store.FindDeviceAsync(caller.Subject, deviceId, ct) is null) return NoDevice(deviceId);
        var keys = body.Keys!.Select(k => new OneTimePrekey(k!.KeyId!.Value, k.PublicKey!)).ToList();
        return new PrekeyCount(deviceId, await store.AddOneTimePrekeysAsync(caller.Subject, deviceId, keys, ct));
    }

    public async Task<Outcome<PrekeyCount>> CountAsync(Caller caller, string deviceId, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        if (await store.FindDeviceAsync(caller.Subject, deviceId, ct) is null) return NoDevice(deviceId);
        return new PrekeyCount(deviceId, await store.CountOneTimePrekeysAsync(caller.Subject, deviceId, ct));
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, string deviceId, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        return await store.DeleteDeviceAsync(caller.Subject, deviceId, ct) ? true : NoDevice(deviceId);
    }

    /// <summary>A user's devices and their public keys (without one-time prekeys); the caller's own when no one is named.</summary>
    public async Task<Outcome<IReadOnlyList<DeviceKeys>>> ListAsync(Caller caller, string? username, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        var name = (username ?? caller.Subject).ToLowerInvariant();
        if (name != caller.Subject && (await users.ExistingUsersAsync([name], ct)).Count == 0) return new Refusal.NotFound("username", $"No user '{username}'.");
        return Outcome.Done(await store.DevicesAsync(name, ct));
    }

    /// <summary>
    /// One bundle per device of the user, each with one one-time prekey taken from its stock. A device left
    /// below <see cref="KeysOptions.LowWatermark"/> tells its owner (<c>keys.low</c>) to upload more.
    /// </summary>
    public async Task<Outcome<ClaimResponse>> ClaimAsync(Caller caller, string username, CancellationToken ct)
    {
        if (caller.IsClient) return UsersOnly;
        var target = username.ToLowerInvariant();
        var devices = await store.DevicesAsync(target, ct);
        if (devices.Count == 0) return new Refusal.NotFound("username", $"'{username}' has no device with published keys.");
        var limit = limits.Value.KeyClaimsPerMinute;
        var decision = await limiter.TryAcquireAsync($"keys:claim:{caller.Subject}:{target}", limit, RateLimitExtensions.Minute, ct);
        if (!decision.Allowed)
            return new Refusal.RateLimited("Limits:KeyClaimsPerMinute", "username",
                $"More than {limit} key claims a minute for '{target}' (Limits:KeyClaimsPerMinute). Keep the sessions you made; claim again after {Math.Max(1, Math.Ceiling(decision.Reset.TotalSeconds)):0} s.",
                decision);
        var bundles = new List<KeyBundle>(devices.Count);
        foreach (var device in devices)
        {
            var claim = await store.ClaimOneTimePrekeyAsync(target, device.DeviceId, ct);
            if (claim.Remaining < options.Value.LowWatermark)
                await live.SendAsync([target], Frames.KeysLow(device.DeviceId, claim.Remaining), ct);
            bundles.Add(new KeyBundle(device.DeviceId, device.IdentityKey, device.SigningKey, device.SignedPrekey, claim.Key));
        }
        return new ClaimResponse(target, bundles);
    }

    private static Refusal NoDevice(string deviceId) => new Refusal.NotFound("device_id", $"No device '{deviceId}' of yours with published keys.");
}
