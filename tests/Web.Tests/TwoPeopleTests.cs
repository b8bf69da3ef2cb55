namespace Chat.Web.Tests;

/// <summary>Two people, each in their own browser context, chatting live — straight to the Host, and once through the nginx gateway.</summary>
[Collection(WebCollection.Name)]
public sealed class TwoPeopleTests(WebFixture fixture)
{
    [SkippableFact]
    public Task A_message_arrives_live_counts_as_unread_until_opened_and_shows_delivered_then_read() => TwoPeopleAsync(null);

    /// <summary>The same, over TLS through nginx: any CSP violation or console error fails it.</summary>
    [SkippableFact]
    public Task Through_the_gateway_the_page_runs_without_a_CSP_violation_or_console_error() => TwoPeopleAsync(fixture.Gateway);

    private async Task TwoPeopleAsync(Uri? through)
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var problems = new List<string>();
        await using var aliceContext = await fixture.NewPersonAsync(through);
        await using var bobContext = await fixture.NewPersonAsync(through);
        foreach (var context in new[] { aliceContext, bobContext })
        {
            // A page's CSP violations, also as events (the console reports them too).
            await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))");
            context.Page += (_, page) =>
            {
                page.Console += (_, message) => { if (message.Type == "error") lock (problems) problems.Add($"console: {message.Text}"); };
                page.PageError += (_, error) => { lock (problems) problems.Add($"page error: {error}"); };
            };
        }
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);

        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "hello bob");
        var bobsEntry = People.Conversation(bob, aliceName);
        await Expect(bobsEntry.Locator(".badge")).ToHaveTextAsync("1");
        await Expect(bobsEntry).ToContainTextAsync("hello bob");
        await People.SendAsync(alice, "are you there?");
        await Expect(bobsEntry.Locator(".badge")).ToHaveTextAsync("2");
        // bob's client has the messages (it acked them) but has not shown them.
        await Expect(People.TicksOf(alice, "are you there?")).ToHaveAttributeAsync("aria-label", "Delivered");

        await bobsEntry.ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["hello bob", "are you there?"]);
        await Expect(bobsEntry.Locator(".badge")).ToHaveCountAsync(0);
        await Expect(People.TicksOf(alice, "are you there?")).ToHaveAttributeAsync("aria-label", "Read");

        await alice.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync("still typ");
        await Expect(bob.GetByText($"{aliceName} is typing…")).ToBeVisibleAsync();
        await People.SendAsync(alice, "still typing? no, sent");
        await Expect(People.MessageTexts(bob).Last).ToHaveTextAsync("still typing? no, sent");
        await Expect(bob.GetByText($"{aliceName} is typing…")).ToHaveCountAsync(0);

        await People.SendAsync(bob, "hi alice");
        await Expect(People.MessageTexts(alice)).ToHaveTextAsync(["hello bob", "are you there?", "still typing? no, sent", "hi alice"]);

        if (through is null && Environment.GetEnvironmentVariable("CHAT_UPDATE_SCREENSHOTS") == "1") await Screenshots.TakeAsync(fixture, alice, aliceName, bobName);
        lock (problems) Assert.Empty(problems);
    }
}
