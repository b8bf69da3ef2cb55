using Chat.Keys.Storage;

namespace Chat.Storage.Tests;

/// <summary>What every key directory store must do (issue 21); one subclass per adapter.</summary>
public abstract class KeyStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    protected virtual IDictionary<string, string?>? Settings => null;

    private IKeyStore? _store;

    private IKeyStore Store => _store ??= Stores.OpenKeyStore(Data.Path, Settings);

    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static DeviceKeys Device(string username, string deviceId, string identity = "IK") =>
        new(username, deviceId, identity, "SK", new SignedPrekey(1, "SPK", "SIG"), null, null, At, At);

    private static OneTimePrekey[] Prekeys(int count, long firstId = 1) =>
        Enumerable.Range(0, count).Select(i => new OneTimePrekey(firstId + i, $"OTK{firstId + i}")).ToArray();

    [Fact]
    public async Task A_device_is_stored_listed_and_deleted_with_its_prekeys()
    {
        var rotated = Device("bob", "phone") with { PreviousSignedPrekey = new SignedPrekey(0, "OLD", "OLDSIG"), PreviousUntil = At.AddDays(7) };
        await Store.PutDeviceAsync(rotated);
        await Store.PutDeviceAsync(Device("bob", "laptop") with { CreatedAt = At.AddMinutes(1) });
        Assert.Equal(3, await Store.AddOneTimePrekeysAsync("bob", "phone", Prekeys(3)));

        Assert.Equal(rotated, await Store.FindDeviceAsync("bob", "phone"));
        Assert.Equal(["phone", "laptop"], (await Store.DevicesAsync("bob")).Select(d => d.DeviceId));
        Assert.Empty(await Store.DevicesAsync("alice"));
        Assert.True(await Store.DeleteDeviceAsync("bob", "phone"));
        Assert.False(await Store.DeleteDeviceAsync("bob", "phone"));
        Assert.Equal(0, await Store.CountOneTimePrekeysAsync("bob", "phone"));
    }

    [Fact]
    public async Task Prekeys_are_claimed_lowest_id_first_a_stored_id_keeps_its_first_key_and_a_new_identity_drops_them()
    {
        await Store.PutDeviceAsync(Device("bob", "phone"));
        await Store.AddOneTimePrekeysAsync("bob", "phone", Prekeys(2, firstId: 10));
        Assert.Equal(3, await Store.AddOneTimePrekeysAsync("bob", "phone", [new OneTimePrekey(10, "REPLACED"), new OneTimePrekey(9, "OTK9")]));

        Assert.Equal(new PrekeyClaim(new OneTimePrekey(9, "OTK9"), 2), await Store.ClaimOneTimePrekeyAsync("bob", "phone"));
        Assert.Equal(new PrekeyClaim(new OneTimePrekey(10, "OTK10"), 1), await Store.ClaimOneTimePrekeyAsync("bob", "phone"));

        await Store.PutDeviceAsync(Device("bob", "phone", identity: "NEW-IK"));
        Assert.Equal(new PrekeyClaim(null, 0), await Store.ClaimOneTimePrekeyAsync("bob", "phone"));
    }

    [Fact]
    public async Task Racing_claims_hand_out_each_prekey_at_most_once()
    {
        await Store.PutDeviceAsync(Device("bob", "phone"));
        await Store.AddOneTimePrekeysAsync("bob", "phone", Prekeys(5));

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.ClaimOneTimePrekeyAsync("bob", "phone"))));

        var keys = claims.Select(c => c.Key).OfType<OneTimePrekey>().ToList();
        Assert.Equal(5, keys.Count);
        Assert.Equal([1L, 2, 3, 4, 5], keys.Select(k => k.KeyId).Order());
        Assert.Equal([0, 1, 2, 3, 4], claims.Where(c => c.Key is not null).Select(c => c.Remaining).Order());
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteKeyStoreTests : KeyStoreContract;

public sealed class EtcdKeyStoreTests : KeyStoreContract
{
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
