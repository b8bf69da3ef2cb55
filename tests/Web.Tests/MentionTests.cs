namespace Chat.Web.Tests;

/// <summary>
/// Issue 25 in the browser: @ in the composer lists the group's members (and @here/@all) as an ARIA
/// combobox, keyboard first; the message sent carries them in payload.mentions, and the mentioned see it marked.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class MentionTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task At_lists_the_members_the_keyboard_picks_one_and_the_message_mentions_them()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var carol = People.NewName("carol");
        await fixture.Server.Client().SignUpAsync(carol);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, People.NewName("alice"));
        var bob = await People.SignUpAsync(bobContext, bobName);
        await alice.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        await alice.GetByLabel("Group name", new() { Exact = true }).FillAsync("Lunch");
        await alice.GetByLabel("Members (usernames, comma-separated)").FillAsync($"{bobName}, {carol}");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Lunch" })).ToBeVisibleAsync();

        var field = alice.GetByRole(AriaRole.Combobox, new() { Name = "Message" });
        var options = alice.GetByRole(AriaRole.Listbox, new() { Name = "Members to mention" }).GetByRole(AriaRole.Option);
        await field.PressSequentiallyAsync("see you @");
        await Expect(options).ToHaveTextAsync([$"@{bobName}", $"@{carol}", "@here", "@all"]);
        await Expect(field).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(field).ToHaveAttributeAsync("aria-activedescendant", "mention-option-0");
        await field.PressAsync("ArrowDown");
        await Expect(field).ToHaveAttributeAsync("aria-activedescendant", "mention-option-1");
        await Expect(options.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await field.PressAsync("ArrowUp");
        await field.PressAsync("ArrowUp"); // from the first, round to the last
        await Expect(options.Nth(3)).ToHaveAttributeAsync("aria-selected", "true");
        await field.PressAsync("Escape");
        await Expect(options).ToHaveCountAsync(0);
        await Expect(field).ToHaveAttributeAsync("aria-expanded", "false");

        // Letters narrow the list; Enter picks (it does not send), and so does Tab.
        await field.PressSequentiallyAsync("b");
        await Expect(options).ToHaveTextAsync([$"@{bobName}"]);
        await field.PressAsync("Enter");
        await Expect(field).ToHaveValueAsync($"see you @{bobName} ");
        await field.PressSequentiallyAsync("and @a");
        await Expect(options).ToHaveTextAsync(["@all"]);
        await field.PressAsync("Tab");
        await Expect(field).ToHaveValueAsync($"see you @{bobName} and @all ");
        await Expect(field).ToBeFocusedAsync();
        await field.PressAsync("Enter");

        // bob is mentioned (by name and by @all): marked on his side, and the stored message says whom it mentions.
        await People.Conversation(bob, "Lunch").ClickAsync();
        var message = People.MessageOf(bob, "see you");
        await Expect(message.GetByText("Mentions you")).ToBeVisibleAsync();
        var api = await fixture.Server.Client().SignInAsync(bobName, People.Password);
        var conversation = (await api.GetJsonAsync("/v1/conversations"))["items"]![0]!["conversation_id"]!.GetValue<string>();
        var stored = (await api.HistoryAsync(conversation)).Single(m => m["payload"]!["type"]!.GetValue<string>() == "text");
        Assert.Equal([bobName, "@all"], stored["payload"]!["mentions"]!.AsArray().Select(m => m!.GetValue<string>()));

        // A plain member of a group may not pin: bob is offered no Pin, the owner is.
        await Expect(message.GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true })).ToHaveCountAsync(0);
        await Expect(People.MessageOf(alice, "see you").GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true })).ToBeVisibleAsync();
    }
}
