using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Notifications.Storage;
using Chat.Shared.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.EndToEnd.Tests;

public sealed class NotificationFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public const int Attempts = 3;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Notifications:AllowInsecureTargets"] = "true", // the fake push service is http on loopback
        ["Notifications:CollapseWindow"] = "00:00:03",
        ["Notifications:RetrySchedule"] = "0s,200ms,400ms",
        ["Notifications:BreakDuration"] = "00:00:01",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 20: pushes for people with no live socket, through a fake push service that checks and decrypts them.</summary>
public sealed class NotificationTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private BatchConsumer Worker => Server.Services.GetServices<IHostedService>().OfType<BatchConsumer>().Single(c => c.Topic == Topics.Notifications);

    private static async Task RegisterAsync(ApiClient user, string deviceId, FakePushService.Subscription s) =>
        await ApiClient.ExpectAsync(await user.Http.PutAsJsonAsync($"/v1/devices/{deviceId}",
            new { platform = "webpush", subscription = new { endpoint = s.Endpoint, keys = new { p256dh = s.P256dh, auth = s.Auth } } }, ApiClient.Json), HttpStatusCode.OK);

    private static Task<IReadOnlyList<FakePushService.Push>> PushesAsync(FakePushService push, string name, int atLeast, string what) =>
        Eventually.UntilAsync(() => Task.FromResult(push.To(name)), p => p.Count >= atLeast, Deadline, what);

    [Fact]
    public async Task Offline_bob_gets_a_push_whose_vapid_jwt_verifies_and_whose_body_decrypts_to_the_conversation_and_preview()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("alicepush");
        var bob = await Server.Client().SignUpAsync("bobpush");
        var phone = push.Subscribe("bob-phone");
        await RegisterAsync(bob, "phone", phone);
        var conversation = await alice.CreateConversationAsync("direct", "bobpush");

        var id = await alice.SendTextAsync(conversation, "dinner at eight?");

        var received = (await PushesAsync(push, "bob-phone", 1, "bob's push"))[0];
        var vapidKey = (await Server.Client().GetJsonAsync("/v1/push/vapid-public-key"))["public_key"]!.GetValue<string>();
        Assert.Null(received.Problem);
        Assert.True(received.VapidValid, "the VAPID JWT verifies with the key it names");
        Assert.Equal(vapidKey, received.VapidKey);
        Assert.Equal("86400", received.Ttl);
        Assert.Equal((conversation, id, "alicepush", "dinner at eight?"), (received.Body!["conversation_id"]!.GetValue<string>(),
            received.Body["message_id"]!.GetValue<string>(), received.Body["from"]!.GetValue<string>(), received.Body["preview"]!.GetValue<string>()));

        // Previews off: the next push (another conversation, so no burst window) says who and where, not what.
        await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync("/v1/notifications/settings", new { previews = false }), HttpStatusCode.OK);
        var group = await alice.CreateConversationAsync("group", "bobpush");
        await alice.SendTextAsync(group, "a secret");
        var second = (await PushesAsync(push, "bob-phone", 2, "the second push"))[1];
        Assert.Equal(group, second.Body!["conversation_id"]!.GetValue<string>());
        Assert.Null(second.Body["preview"]);
    }

    [Fact]
    public async Task A_push_for_an_encrypted_message_has_no_preview_even_with_previews_on()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("alicee2epush");
        var bob = await Server.Client().SignUpAsync("bobe2epush");
        await RegisterAsync(bob, "phone", push.Subscribe("bobe2e-phone"));
        var conversation = await alice.CreateConversationAsync("direct", "bobe2epush");
        const string ciphertext = "c2VhbGVkIGZvciBib2IncyBwaG9uZSBvbmx5";

        var response = await alice.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversation, from = alice.Username,
            payload = new { type = "encrypted", ciphertexts = new[] { new { device_id = "bob-phone", type = "prekey", body = ciphertext } } },
        });
        var id = (await ApiClient.ExpectAsync(response, HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();

        var received = (await PushesAsync(push, "bobe2e-phone", 1, "bob's push for the encrypted message"))[0];
        Assert.Null(received.Problem);
        Assert.Equal((conversation, id, "alicee2epush"), (received.Body!["conversation_id"]!.GetValue<string>(),
            received.Body["message_id"]!.GetValue<string>(), received.Body["from"]!.GetValue<string>()));
        Assert.Null(received.Body["preview"]);
        Assert.DoesNotContain(ciphertext, received.Body.ToJsonString());
    }

    [Fact]
    public async Task Online_bob_gets_no_push_and_the_sender_none_then_offline_bob_gets_one()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("aliceonline");
        var bob = await Server.Client().SignUpAsync("bobonline");
        await RegisterAsync(alice, "laptop", push.Subscribe("alice-laptop"));
        await RegisterAsync(bob, "phone", push.Subscribe("bob-phone"));
        var conversation = await alice.CreateConversationAsync("direct", "bobonline");
        string seenLive;
        await using (var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob))
        {
            seenLive = await alice.SendTextAsync(conversation, "you are here");
            await socket.MessagesAsync(1);
        }
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync("/v1/presence/bobonline"))["status"]!.GetValue<string>(), s => s == "offline",
            Deadline, "bob to be offline");

        var offline = await alice.SendTextAsync(conversation, "you left");

        // Same conversation, so the Router handled the first before the second: had it asked for a push, the second would only be a summary.
        var pushes = await PushesAsync(push, "bob-phone", 1, "the push for the message bob missed");
        Assert.Equal([offline], pushes.Select(p => p.Body!["message_id"]!.GetValue<string>()));
        Assert.Null(pushes[0].Body!["count"]);
        Assert.DoesNotContain(push.Pushes, p => p.Body?["message_id"]?.GetValue<string>() == seenLive);
        Assert.Empty(push.To("alice-laptop"));
    }

    [Fact]
    public async Task A_muted_conversation_makes_no_push_until_it_is_unmuted()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("alicemute");
        var bob = await Server.Client().SignUpAsync("bobmute");
        await RegisterAsync(bob, "phone", push.Subscribe("bob-phone"));
        var conversation = await alice.CreateConversationAsync("direct", "bobmute");
        var muted = await ApiClient.ExpectAsync(await bob.Http.PutAsync($"/v1/conversations/{conversation}/mute", null), HttpStatusCode.OK);
        Assert.Null(muted["until"]);
        var before = Worker.RecordsProcessed;

        await alice.SendTextAsync(conversation, "shh");
        await Eventually.UntilAsync(() => Worker.RecordsProcessed > before, Deadline, "the worker to take bob's request");
        var store = Server.Services.GetRequiredService<INotificationStore>();
        Assert.Empty(await store.PushesAsync("bobmute"));

        Assert.Equal(HttpStatusCode.NoContent, (await bob.Http.DeleteAsync($"/v1/conversations/{conversation}/mute")).StatusCode);
        var heard = await alice.SendTextAsync(conversation, "now you hear me");
        var pushes = await PushesAsync(push, "bob-phone", 1, "the push after unmuting");
        Assert.Equal([heard], pushes.Select(p => p.Body!["message_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Twenty_messages_in_two_seconds_make_one_push_and_then_one_summary_at_the_window_end()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("aliceburst");
        var bob = await Server.Client().SignUpAsync("bobburst");
        await RegisterAsync(bob, "phone", push.Subscribe("bob-phone"));
        var conversation = await alice.CreateConversationAsync("direct", "bobburst");
        var started = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await alice.SendTextAsync(conversation, $"burst {i}"));
            await Task.Delay(50); // paces the burst over a second or two (not synchronisation)
        }
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(3), "the burst fits one window");

        var pushes = await PushesAsync(push, "bob-phone", 2, "the first push and the summary");
        Assert.Equal(ids[0], pushes[0].Body!["message_id"]!.GetValue<string>());
        Assert.Null(pushes[0].Body!["count"]);
        Assert.Equal((ids[^1], 19), (pushes[1].Body!["message_id"]!.GetValue<string>(), pushes[1].Body!["count"]!.GetValue<int>()));
        var store = Server.Services.GetRequiredService<INotificationStore>();
        Assert.Equal(2, (await store.PushesAsync("bobburst")).Count);
        Assert.Equal(2, push.AttemptsTo("bob-phone"));
    }

    [Fact]
    public async Task A_410_removes_the_device_and_a_500_is_retried_on_schedule_then_dead_lettered()
    {
        await using var push = await FakePushService.StartAsync();
        push.Answer = (name, _) => name == "bob-old" ? 410 : name == "bob-broken" ? 500 : 201;
        var alice = await Server.Client().SignUpAsync("alicegone");
        var bob = await Server.Client().SignUpAsync("bobgone");
        await RegisterAsync(bob, "old", push.Subscribe("bob-old"));
        await RegisterAsync(bob, "broken", push.Subscribe("bob-broken"));
        var conversation = await alice.CreateConversationAsync("direct", "bobgone");

        await alice.SendTextAsync(conversation, "anyone there?");

        await Eventually.UntilAsync(async () => (await bob.GetJsonAsync("/v1/devices"))["items"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>()).ToList(),
            devices => devices.SequenceEqual(["broken"]), Deadline, "the gone device to be removed");
        var store = Server.Services.GetRequiredService<INotificationStore>();
        var dead = await Eventually.UntilAsync(async () => (await store.PushesAsync("bobgone")).Single(p => p.DeviceId == "broken"),
            p => p.State == PendingPush.Dead, Deadline, "the failing push to be dead-lettered");
        Assert.Equal(NotificationFixture.Attempts, dead.Attempts);
        Assert.Equal(NotificationFixture.Attempts, push.AttemptsTo("bob-broken"));
        Assert.Equal(1, push.AttemptsTo("bob-old"));
    }

    [Fact]
    public async Task A_sender_the_recipient_blocked_makes_no_push_and_a_removed_member_gets_none_after_removal()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("aliceblk");
        var carol = await Server.Client().SignUpAsync("carolblk");
        var bob = await Server.Client().SignUpAsync("bobblk");
        await RegisterAsync(bob, "phone", push.Subscribe("bob-phone"));
        var group = await alice.CreateConversationAsync("group", "carolblk", "bobblk");
        await ApiClient.ExpectAsync(await bob.Http.PutAsync("/v1/blocks/carolblk", null), HttpStatusCode.OK);

        var fromCarol = await carol.SendTextAsync(group, "from someone bob blocked");
        var fromAlice = await alice.SendTextAsync(group, "from alice");
        var pushes = await PushesAsync(push, "bob-phone", 1, "alice's push");
        Assert.Equal([fromAlice], pushes.Select(p => p.Body!["message_id"]!.GetValue<string>()));
        Assert.DoesNotContain(fromCarol, push.Pushes.Select(p => p.Body!["message_id"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.DeleteAsync($"/v1/conversations/{group}/members/bobblk")).StatusCode);
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/conversations/{group}"))["members"]!.AsArray().Count, n => n == 2, Deadline,
            "bob's removal to be stored");
        var afterRemoval = await carol.SendTextAsync(group, "bob is gone");
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/conversations/{group}/messages"))["items"]!.AsArray()
            .Any(m => m!["message_id"]!.GetValue<string>() == afterRemoval), stored => stored, Deadline, "the message after bob's removal to be stored");
        // Requests are keyed by recipient, so one to bob after it is taken after anything the group message made for him.
        var direct = await alice.CreateConversationAsync("direct", "bobblk");
        var sentinel = await alice.SendTextAsync(direct, "a direct one");
        await PushesAsync(push, "bob-phone", 2, "the direct message's push");
        var store = Server.Services.GetRequiredService<INotificationStore>();
        var recorded = (await store.PushesAsync("bobblk")).Select(p => JsonNode.Parse(p.Body)!["message_id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(new[] { fromAlice, sentinel }.Order(), recorded);
    }

    [Fact]
    public async Task A_failing_push_service_opens_its_breaker_and_its_pushes_wait_instead_of_dying()
    {
        await using var push = await FakePushService.StartAsync();
        var healthy = false;
        push.Answer = (_, _) => Volatile.Read(ref healthy) ? 201 : 503;
        var alice = await Server.Client().SignUpAsync("alicebrk");
        var bob = await Server.Client().SignUpAsync("bobbrk");
        for (var i = 0; i < 6; i++) await RegisterAsync(bob, $"device{i}", push.Subscribe($"bob-{i}"));
        var conversation = await alice.CreateConversationAsync("direct", "bobbrk");
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };

        await alice.SendTextAsync(conversation, "is the push service up?");

        // Six devices failing at once open the breaker for this service (loopback port) ...
        await Eventually.UntilAsync(() => anonymous.GetStringAsync("/metrics"),
            m => PrometheusText.Sum(m, "chat_notification_breaker_open", $"service=\"{push.Origin}\"") == 1, Deadline, "the push service's breaker to open");
        // ... and while it is open no push spends its three attempts: when the service answers again, every device gets its push.
        Volatile.Write(ref healthy, true);
        var store = Server.Services.GetRequiredService<INotificationStore>();
        var pushes = await Eventually.UntilAsync(() => store.PushesAsync("bobbrk"), p => p.Count == 6 && p.All(x => x.State != PendingPush.Pending), Deadline,
            "every push to be sent or dead");
        Assert.All(pushes, p => Assert.Equal(PendingPush.Sent, p.State));
        Assert.All(Enumerable.Range(0, 6), i => Assert.Single(push.To($"bob-{i}")));
    }

    [Fact]
    public async Task Logging_out_of_a_session_removes_the_devices_it_registered_and_no_others()
    {
        await using var push = await FakePushService.StartAsync();
        var laptop = await Server.Client().SignUpAsync("boblogout");
        var phone = await Server.Client().SignInAsync("boblogout", ApiClient.Password);
        await RegisterAsync(laptop, "laptop", push.Subscribe("laptop"));
        await RegisterAsync(phone, "phone", push.Subscribe("phone"));

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostJsonAsync("/v1/auth/logout", new { })).StatusCode);

        await Eventually.UntilAsync(async () => (await phone.GetJsonAsync("/v1/devices"))["items"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>()).ToList(),
            devices => devices.SequenceEqual(["phone"]), Deadline, "the laptop session's device to go");
    }

    [Fact]
    public async Task A_bad_registration_is_a_400_naming_the_field()
    {
        var bob = await Server.Client().SignUpAsync("bobbad");
        async Task<string> FieldOf(object body, string deviceId = "d1")
        {
            var problem = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync($"/v1/devices/{deviceId}", body, ApiClient.Json), HttpStatusCode.BadRequest);
            return string.Join(",", problem["errors"]!.AsObject().Select(e => e.Key));
        }
        Assert.Equal("platform", await FieldOf(new { platform = "apns" }));
        Assert.Equal("subscription", await FieldOf(new { platform = "webpush" }));
        Assert.Equal("subscription.endpoint", await FieldOf(new { platform = "webpush", subscription = new { endpoint = "ftp://x", keys = new { p256dh = Point(), auth = "AAAAAAAAAAAAAAAAAAAAAA" } } }));
        Assert.Equal("subscription.keys.p256dh,subscription.keys.auth",
            await FieldOf(new { platform = "webpush", subscription = new { endpoint = "http://127.0.0.1:9/x", keys = new { p256dh = "BAAA", auth = "short" } } }));
        Assert.Equal("token", await FieldOf(new { platform = "fcm" }));
        Assert.Equal("device_id", await FieldOf(new { platform = "fcm", token = "t" }, "no%20spaces"));
        var unknown = await bob.Http.DeleteAsync("/v1/devices/none");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var alice = await Server.Client().SignUpAsync("alicebad");
        var conversation = await alice.CreateConversationAsync("direct", "bobbad");
        var noUntil = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync($"/v1/conversations/{conversation}/mute", new { }), HttpStatusCode.BadRequest);
        Assert.True(noUntil["errors"]!.AsObject().ContainsKey("until"));
        var past = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync($"/v1/conversations/{conversation}/mute", new { until = DateTimeOffset.UtcNow.AddHours(-1) }),
            HttpStatusCode.BadRequest);
        Assert.True(past["errors"]!.AsObject().ContainsKey("until"));
        var notTheirs = await Server.Client().SignUpAsync("carolbad");
        Assert.Equal(HttpStatusCode.NotFound, (await notTheirs.Http.PutAsync($"/v1/conversations/{conversation}/mute", null)).StatusCode);
    }

    private static string Point()
    {
        using var key = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        return System.Buffers.Text.Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]);
    }
}
