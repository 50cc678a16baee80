// The floor for the tour's first frame: a bare Ink app, bundled the same way, that draws one line.
import { Text, render, useApp, useInput } from 'ink';
import React from 'react';

function Bare(): React.JSX.Element {
  const { exit } = useApp();
  useInput((input) => {
    if (input === 'q') exit();
  });
  return <Text>kube-packet-tour</Text>;
}

render(<Bare />);
