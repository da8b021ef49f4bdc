<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ActionsPanel</name>
    <message numerus="yes">
        <source>Restock the selected SKU by %Ln unit(s)</source>
        <translation>
            <numerusform>Restock the selected SKU by %Ln unit</numerusform>
            <numerusform>Restock the selected SKU by %Ln units</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n attempt(s))</source>
        <translation>
            <numerusform>(%n attempt)</numerusform>
            <numerusform>(%n attempts)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AutoConfirmBox</name>
    <message numerus="yes">
        <source>WAITING FOR YOU: %n auto action(s) to confirm (Y accepts, N rejects the first)</source>
        <translation>
            <numerusform>WAITING FOR YOU: %n auto action to confirm (Y accepts, N rejects it)</numerusform>
            <numerusform>WAITING FOR YOU: %n auto actions to confirm (Y accepts, N rejects the first)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message numerus="yes">
        <source>%n firing {level} alert(s)</source>
        <translation>
            <numerusform>%n firing {level} alert</numerusform>
            <numerusform>%n firing {level} alerts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message numerus="yes">
        <source>%n moment(s)</source>
        <translation>
            <numerusform>%n moment</numerusform>
            <numerusform>%n moments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>Not applied: %n field(s) refused — see the red fields ({keys}).</source>
        <translation>
            <numerusform>Not applied: %n field refused — see the red field ({keys}).</numerusform>
            <numerusform>Not applied: %n fields refused — see the red fields ({keys}).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WhatIfTab</name>
    <message numerus="yes">
        <source>Done: %Ln event(s) replayed in {s:.1f} s.</source>
        <translation>
            <numerusform>Done: %Ln event replayed in {s:.1f} s.</numerusform>
            <numerusform>Done: %Ln events replayed in {s:.1f} s.</numerusform>
        </translation>
    </message>
</context>
</TS>
