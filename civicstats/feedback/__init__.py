"""The way back to the sender: annotated copies of returns, the 退回清单, the fill-in form.

- :mod:`~civicstats.feedback.annotate`: ``<stem>_批注.xlsx``, the return with every
  issue cell marked and commented and a first sheet ``问题清单``;
- :mod:`~civicstats.feedback.returns`: for a month in the store, the annotated copy of
  every file with open errors and ``退回清单_<period>.xlsx``, who must resend what;
- :mod:`~civicstats.feedback.template`: the standard return a street fills in.

>>> from civicstats.feedback import words
>>> sorted(words.SEVERITY_WORDS)
['error', 'warning']
"""
