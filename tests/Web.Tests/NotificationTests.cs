using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Chat.Web.Tests;

/// <summary>
/// Issue 20 in the browser: the topbar switch subscribes this browser and registers it as a device of
/// the session; the service worker turns a push into a notification. Chromium's own push service is
/// Google's and unreachable here, so <c>pushManager</c> hands out a subscription made in the test (an
/// endpoint on loopback and real P-256 keys); everything else — the page, the worker, the server — is real.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class NotificationTests(WebFixture fixture)
{
    private const string Endpoint = "http://127.0.0.1:9/push/this-browser";

    private static string StubPushManager()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var keys = JsonSerializer.Serialize(new { p256dh = Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]), auth = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)) });
        return $$"""
            (() => {
              let current = null;
              const make = options => ({ endpoint: '{{Endpoint}}', options, toJSON: () => ({ endpoint: '{{Endpoint}}', keys: {{keys}} }),
                                         unsubscribe: async () => { current = null; return true; } });
              PushManager.prototype.subscribe = async function (options) { current = make(options); return current; };
              PushManager.prototype.getSubscription = async function () { return current; };
            })();
            """;
    }

    [SkippableFact]
    public async Task Turning_notifications_on_registers_this_browser_for_the_session_and_off_removes_it()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        await context.GrantPermissionsAsync(["notifications"]);
        await context.AddInitScriptAsync(StubPushManager());
        var name = People.NewName("bob");
        var page = await People.SignUpAsync(context, name);
        var api = await fixture.Server.Client().SignInAsync(name, People.Password);

        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Turn on notifications" });
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await toggle.ClickAsync();
        var on = page.GetByRole(AriaRole.Button, new() { Name = "Notifications on" });
        await Expect(on).ToHaveAttributeAsync("aria-pressed", "true");
        var device = Assert.Single((await api.GetJsonAsync("/v1/devices"))["items"]!.AsArray());
        Assert.Equal("webpush", device!["platform"]!.GetValue<string>());
        Assert.Equal(Endpoint, device["endpoint"]!.GetValue<string>());

        await page.ReloadAsync();
        await Expect(on).ToBeVisibleAsync(); // the page asks the server, not its memory
        await on.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Turn on notifications" })).ToBeVisibleAsync();
        Assert.Empty((await api.GetJsonAsync("/v1/devices"))["items"]!.AsArray());
    }

    [SkippableFact]
    public async Task The_service_worker_shows_a_push_as_a_notification_naming_the_sender_and_preview()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        await context.GrantPermissionsAsync(["notifications"]);
        var page = await People.SignUpAsync(context, People.NewName("bob"));
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");

        // DevTools' ServiceWorker domain delivers a push as the push service would.
        var cdp = await context.NewCDPSessionAsync(page);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var r in e!.Value.GetProperty("registrations").EnumerateArray())
                if (r.GetProperty("scopeURL").GetString()!.EndsWith('/') && !r.GetProperty("isDeleted").GetBoolean())
                    registration.TrySetResult(r.GetProperty("registrationId").GetString()!);
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var origin = new Uri(page.Url).GetLeftPart(UriPartial.Authority);
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = origin, ["registrationId"] = await registration.Task.WaitAsync(TimeSpan.FromSeconds(15)),
            ["data"] = """{"conversation_id":"c-1","message_id":"m-1","from":"alice","preview":"see you at noon"}""",
        });

        var shown = await page.WaitForFunctionAsync("""
            async () => { const n = await (await navigator.serviceWorker.ready).getNotifications(); return n.length ? { title: n[0].title, body: n[0].body, tag: n[0].tag } : null; }
            """);
        var notification = await shown.JsonValueAsync<JsonElement>();
        Assert.Equal("New message from alice", notification.GetProperty("title").GetString());
        Assert.Equal("see you at noon", notification.GetProperty("body").GetString());
        Assert.Equal("c-1", notification.GetProperty("tag").GetString());
    }
}
