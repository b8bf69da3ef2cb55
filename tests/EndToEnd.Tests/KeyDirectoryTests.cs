using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class KeyDirectoryFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    /// <summary>The race test's twenty claims come from one claimer for one target: all allowed, the next refused.</summary>
    public const int ClaimsPerMinute = 20;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Limits:KeyClaimsPerMinute"] = ClaimsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 21: the key directory (signed prekeys verified, one-time prekeys claimed once) and end-to-end encrypted messages routed unread.</summary>
public sealed class KeyDirectoryTests(KeyDirectoryFixture fixture) : IClassFixture<KeyDirectoryFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static async Task PublishAsync(ApiClient user, X3dhDevice device, int oneTimePrekeys)
    {
        await ApiClient.ExpectAsync(await user.Http.PutAsJsonAsync($"/v1/keys/devices/{device.DeviceId}", device.Publication(), ApiClient.Json), HttpStatusCode.OK);
        if (oneTimePrekeys > 0)
            await ApiClient.ExpectAsync(await user.PostJsonAsync($"/v1/keys/devices/{device.DeviceId}/one-time-prekeys", device.OneTimePrekeys(oneTimePrekeys)), HttpStatusCode.OK);
    }

    private static async Task<JsonNode> ClaimAsync(ApiClient claimer, string username) =>
        await ApiClient.ExpectAsync(await claimer.PostJsonAsync("/v1/keys/claim", new { username }), HttpStatusCode.OK);

    [Fact]
    public async Task A_forged_signed_prekey_signature_is_400_naming_it_and_a_signed_one_is_listed()
    {
        var bob = await Server.Client().SignUpAsync("bobforged");
        var device = new X3dhDevice("phone");

        // Signed by the device's key, but over other bytes than this prekey's.
        var forged = await bob.Http.PutAsJsonAsync("/v1/keys/devices/phone", device.Publication(forgedSignature: device.Sign(new byte[32])), ApiClient.Json);
        var problem = await ApiClient.ExpectAsync(forged, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["signed_prekey.signature"]);
        Assert.Empty((await bob.GetJsonAsync("/v1/keys/devices"))["items"]!.AsArray());

        await PublishAsync(bob, device, oneTimePrekeys: 3);
        var alice = await Server.Client().SignUpAsync("aliceforged");
        var listed = (await alice.GetJsonAsync("/v1/keys/devices?username=bobforged"))["items"]!.AsArray().Single()!;
        Assert.Equal(("phone", device.IdentityKey), (listed["device_id"]!.GetValue<string>(), listed["identity_key"]!.GetValue<string>()));
        Assert.Equal(3, (await bob.GetJsonAsync("/v1/keys/devices/phone/count"))["remaining"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync("/v1/keys/devices/phone/count")).StatusCode);
    }

    [Fact]
    public async Task Twenty_racing_claims_hand_out_five_one_time_prekeys_once_each_keys_low_reaches_the_owner_and_the_next_claim_of_that_target_is_429()
    {
        var bob = await Server.Client().SignUpAsync("bobrace");
        var alice = await Server.Client().SignUpAsync("alicerace");
        await PublishAsync(bob, new X3dhDevice("laptop"), oneTimePrekeys: 5);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var bundles = await Task.WhenAll(Enumerable.Range(0, KeyDirectoryFixture.ClaimsPerMinute).Select(_ => ClaimAsync(alice, "bobrace")));

        var handedOut = bundles.Select(b => b["devices"]!.AsArray().Single()!["one_time_prekey"]?["key_id"]?.GetValue<long>()).ToList();
        Assert.Equal(5, handedOut.Count(k => k is not null));
        Assert.Equal(5, handedOut.OfType<long>().Distinct().Count());
        Assert.Equal(15, handedOut.Count(k => k is null));
        Assert.All(bundles, b => Assert.NotNull(b["devices"]![0]!["signed_prekey"]!["signature"]));
        Assert.Equal(0, (await bob.GetJsonAsync("/v1/keys/devices/laptop/count"))["remaining"]!.GetValue<int>());
        await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "keys.low" && f["device_id"]!.GetValue<string>() == "laptop" && f["remaining"]!.GetValue<int>() == 0,
            Deadline, "keys.low for the emptied laptop");

        var refused = await alice.PostJsonAsync("/v1/keys/claim", new { username = "bobrace" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("Limits:KeyClaimsPerMinute", (await ApiClient.ExpectAsync(refused, HttpStatusCode.TooManyRequests))["limit"]!.GetValue<string>());

        // The limit is per claimer and target: Alice may still claim someone else's keys, and someone else Bob's.
        var carol = await Server.Client().SignUpAsync("carolrace");
        await PublishAsync(carol, new X3dhDevice("tablet"), oneTimePrekeys: 1);
        Assert.NotNull((await ClaimAsync(alice, "carolrace"))["devices"]![0]!["one_time_prekey"]);
        Assert.Equal("laptop", (await ClaimAsync(carol, "bobrace"))["devices"]![0]!["device_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_devices_agree_by_X3DH_from_claimed_bundles_and_read_each_others_encrypted_messages_which_the_server_holds_only_as_ciphertext()
    {
        var alice = await Server.Client().SignUpAsync("alicee2e");
        var bob = await Server.Client().SignUpAsync("bobe2e");
        var alicePhone = new X3dhDevice("alice-phone");
        var bobPhone = new X3dhDevice("bob-phone");
        await PublishAsync(alice, alicePhone, oneTimePrekeys: 3);
        await PublishAsync(bob, bobPhone, oneTimePrekeys: 3);
        var conversation = await alice.CreateConversationAsync("direct", "bobe2e");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        // Alice: a bundle of Bob's, X3DH, and the first message with the header Bob needs; app and telegram asked for.
        var bundle = (await ClaimAsync(alice, "bobe2e"))["devices"]!.AsArray().Single()!;
        var (aliceSession, header) = alicePhone.Initiate(bundle);
        const string question = "meet at the old mill at noon";
        var first = new JsonObject { ["header"] = header, ["ciphertext"] = aliceSession.Encrypt(question) }.ToJsonString();
        var firstId = await SendEncryptedAsync(alice, conversation, "bob-phone", "prekey", first, ["app", "telegram"]);

        // Bob: the header names Alice's identity key, which the directory confirms; his private keys derive the same key.
        var received = await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new" && f["message"]!["message_id"]!.GetValue<string>() == firstId, Deadline, "the first message");
        var copy = received["message"]!["payload"]!["ciphertexts"]!.AsArray().Single()!;
        Assert.Equal(("encrypted", "bob-phone", "prekey"), (received["message"]!["payload"]!["type"]!.GetValue<string>(), copy["device_id"]!.GetValue<string>(), copy["type"]!.GetValue<string>()));
        Assert.Null(received["message"]!["payload"]!["text"]);
        var body = JsonNode.Parse(copy["body"]!.GetValue<string>())!;
        var listedIdentity = (await bob.GetJsonAsync("/v1/keys/devices?username=alicee2e"))["items"]![0]!["identity_key"]!.GetValue<string>();
        Assert.Equal(listedIdentity, body["header"]!["identity_key"]!.GetValue<string>());
        var bobSession = bobPhone.Accept(body["header"]!);
        Assert.Equal(question, bobSession.Decrypt(body["ciphertext"]!.GetValue<string>()));

        // Bob answers on the session; Alice reads it.
        const string answer = "noon works, bring the map";
        var replyId = await SendEncryptedAsync(bob, conversation, "alice-phone", "message", bobSession.Encrypt(answer), ["app"]);
        var reply = await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new" && f["message"]!["message_id"]!.GetValue<string>() == replyId, Deadline, "the reply");
        Assert.Equal(answer, aliceSession.Decrypt(reply["message"]!["payload"]!["ciphertexts"]![0]!["body"]!.GetValue<string>()));

        // Routed, never read: telegram refused, nothing found by search, no plaintext anywhere in the data directory.
        var status = await Eventually.UntilAsync(() => alice.GetJsonAsync($"/v1/messages/{firstId}/status"),
            s => s["recipients"]!.AsArray().Any(r => r!["channel"]!.GetValue<string>() == "telegram" && r["status"]!.GetValue<string>() == "failed"), Deadline, "telegram failed");
        Assert.Contains(status["status_history"]!.AsArray(), h => h!["detail"]?.GetValue<string>() == "encrypted messages cannot leave the app");
        Assert.Empty((await bob.GetJsonAsync("/v1/search/messages?q=mill"))["items"]!.AsArray());
        foreach (var file in Directory.EnumerateFiles(Server.DataDir, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            var content = await reader.ReadToEndAsync();
            Assert.DoesNotContain("old mill", content);
            Assert.DoesNotContain("bring the map", content);
        }
    }

    private static async Task<string> SendEncryptedAsync(ApiClient from, string conversation, string deviceId, string type, string body, string[] channels)
    {
        var response = await from.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversation, from = from.Username, channels,
            payload = new { type = "encrypted", ciphertexts = new[] { new { device_id = deviceId, type, body } } },
        });
        return (await ApiClient.ExpectAsync(response, HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();
    }
}
